import CPrefetch
import Support

/// Site percolation (sites occupied, neighbours joined) or bond percolation (all sites present,
/// bonds added).
public enum PercolationKind: String, Sendable, CaseIterable, Codable {
    case site, bond
}

/// The Newman–Ziff algorithm (Newman & Ziff, PRE 64, 016706, 2001): one trial adds all M sites (or
/// bonds) of the lattice in a uniformly random order drawn from a GSL generator, keeping the
/// clusters in a weighted union-find (``ClusterGrowth``), and after each addition n = 1…M records
/// the microcanonical observables; these are streamed straight into the canonical averages at the
/// requested p_k by the binomial convolution (``BinomialConvolution``), so no per-n series is
/// stored. Per trial and p_k the observables (columns of ``SweepResult``) are
///
///     S_max/N,  (Σ s² − S_max²)/N,  clusters/N,  wrapping along any axis,  spanning axis 0,
///     Σ s(s − 1) / (n(n − 1)),  and wrapping along each axis a (periodic)
///
/// over the N sites (bond percolation too; there n(n − 1) is N(N − 1)). Standard errors come from
/// the spread between trials. Trial t's generator is seeded with SeedSequence.derive(seed,
/// "sweep", t), and the trial means are reduced in trial order, so results do not depend on the
/// thread count.
///
/// Memory per trial: 4 bytes per site of union-find state (8 for lattices beyond ``ForestLayout``'s
/// 4-byte range) plus the Int32 order array (4 bytes per site, or 4d per site for bonds).
public struct NewmanZiffSweep: Sendable {
    public let lattice: HypercubicLattice
    public let kind: PercolationKind
    public let probabilities: [Double]
    public let seed: UInt64
    public let generator: String
    public let convolution: BinomialConvolution

    /// How many additions prefetching runs ahead of the current one (measured: 8–32 all give the
    /// gain; 16 is in the middle. Also prefetching the neighbours' parents did not help).
    static let prefetchDistance = 16

    public init(lattice: HypercubicLattice, kind: PercolationKind, probabilities: [Double],
                seed: UInt64, generator: String? = nil) throws {
        let resolved = RandomGenerator.resolvedAlgorithm(generator)
        try RandomGenerator.validate(algorithm: resolved)
        guard !probabilities.isEmpty, probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw ModeLatticeError.usage("every p must lie in [0, 1]")
        }
        if kind == .bond && lattice.bondCount > HypercubicLattice.maximumSites {
            throw ModeLatticeError.usage(
                "bond percolation on \(lattice) has \(lattice.bondCount) bonds, more than 2^31 - 1; use a smaller --size")
        }
        self.lattice = lattice
        self.kind = kind
        self.probabilities = probabilities
        self.seed = seed
        self.generator = resolved
        self.additions = kind == .site ? lattice.siteCount : lattice.bondCount
        self.convolution = BinomialConvolution(additions: additions, probabilities: probabilities)
    }

    /// Number of additions M in one trial: N sites, or the lattice's bonds.
    public let additions: Int

    /// The K values pmin + i·(pmax − pmin)/(K − 1) (just pmin when K = 1).
    public static func probabilities(points: Int, pmin: Double, pmax: Double) throws -> [Double] {
        guard points >= 1 else { throw ModeLatticeError.usage("--points must be at least 1 (got \(points))") }
        guard pmin >= 0 && pmin <= 1 && pmax >= 0 && pmax <= 1 else {
            throw ModeLatticeError.usage("p must lie in [0, 1] (got --pmin \(pmin) --pmax \(pmax))")
        }
        guard pmin <= pmax else {
            throw ModeLatticeError.usage("--pmin \(pmin) is greater than --pmax \(pmax); swap them")
        }
        if points == 1 { return [pmin] }
        return (0..<points).map { pmin + Double($0) * (pmax - pmin) / Double(points - 1) }
    }

    /// Observables per p: the six CSV quantities, then wrapping along each axis (periodic only).
    public var observableCount: Int { 6 + (lattice.isPeriodic ? lattice.dimension : 0) }

    /// The seed of trial t.
    public func trialSeed(_ trial: Int) -> UInt64 { SeedSequence.derive(seed, stream: "sweep", index: trial) }

    /// One trial's canonical averages. Shape [K × observableCount], p-major.
    public func canonicalTrial(_ trial: Int) throws -> [Double] {
        var sink = CanonicalSink(plan: convolution, observables: observableCount, sites: lattice.siteCount)
        try runTrial(trial, sink: &sink)
        return sink.accumulated
    }

    /// One trial's microcanonical series (for checks on small lattices). Shape [M + 1][observableCount].
    public func microcanonicalTrial(_ trial: Int) throws -> [[Double]] {
        var sink = SeriesSink(observables: observableCount, sites: lattice.siteCount)
        try runTrial(trial, sink: &sink)
        return sink.series
    }

    /// Trial t's order of additions: a GSL-driven Fisher–Yates permutation of the sites, or of
    /// the bond identifiers site·d + axis (see ``HypercubicLattice``). Shape [M].
    public func additionOrder(trial: Int) throws -> [Int32] {
        let rng = try RandomGenerator(algorithm: generator, seed: trialSeed(trial))
        switch kind {
        case .site:
            return rng.permutation(lattice.siteCount)
        case .bond:
            var bonds = lattice.bondIdentifiers()
            rng.shuffle(&bonds)
            return bonds
        }
    }

    private func runTrial<S: ObservableSink>(_ trial: Int, sink: inout S) throws {
        let order = try additionOrder(trial: trial)
        sink = try lattice.withClusterGrowth(TrialVisitor(order: order, kind: kind, sink: sink), layout: layout)
    }

    /// Union-find layout override (tests exercise the 8-byte layout on small lattices).
    var layout: ForestLayout?

    /// Runs trials 0..<trials on `threads` threads, skipping those in `restored` (already finished
    /// in an interrupted run); `done` sees each newly finished trial (for checkpointing).
    public func run(trials: Int, threads: Int, restored: [Int: [Double]] = [:],
                    done: @escaping @Sendable (Int, [Double]) -> Void = { _, _ in }) throws -> SweepResult {
        guard trials >= 1 else { throw ModeLatticeError.usage("--trials must be at least 1 (got \(trials))") }
        let width = probabilities.count * observableCount
        for (index, value) in restored where index >= trials || value.count != width {
            throw ModeLatticeError.data("checkpoint entry for trial \(index) does not match this sweep; delete the .partial.jsonl file")
        }
        let computed = try ParallelMap.run(count: trials, threads: threads, skip: { restored[$0] != nil },
                                           done: done) { try self.canonicalTrial($0) }
        let perTrial = (0..<trials).map { restored[$0] ?? computed[$0]! }
        return SweepResult(sweep: self, perTrial: perTrial)
    }
}

extension HypercubicLattice {
    /// Identifiers site·d + axis of the lattice's bonds, in increasing order (open boundaries omit
    /// the bonds leaving the far face of each axis).
    func bondIdentifiers() -> [Int32] {
        let d = dimension
        if isPeriodic {
            return [Int32](unsafeUninitializedCapacity: bondCount) { buffer, count in
                for b in 0..<bondCount { buffer[b] = Int32(truncatingIfNeeded: b) }
                count = bondCount
            }
        }
        // Bond (i, a) exists unless i lies on the last row of axis a: i mod (stride·L) ≥ stride·(L − 1).
        let spans = (0..<d).map { FastModulo(strides[$0] * side) }
        let lastRow = (0..<d).map { strides[$0] * (side - 1) }
        var bonds: [Int32] = []
        bonds.reserveCapacity(bondCount)
        for i in 0..<siteCount {
            for a in 0..<d where spans[a].remainder(i) < lastRow[a] {
                bonds.append(Int32(truncatingIfNeeded: i * d + a))
            }
        }
        return bonds
    }
}

/// Receives the configuration after each addition n = 0…M.
protocol ObservableSink {
    mutating func record<Word, G>(_ n: Int, _ growth: inout ClusterGrowth<Word, G>)
}

extension ClusterGrowth {
    /// The observables of the current configuration, normalised per site, into `out` (shape
    /// [6 + d] periodic, [6] open): the same formulas for sweeps and for labeling.
    @inline(__always) func observables(into out: UnsafeMutablePointer<Double>, inverseSites: Double) {
        out[0] = Double(largest) * inverseSites
        out[1] = Double(sumSquares - largest * largest) * inverseSites
        out[2] = Double(clusters) * inverseSites
        out[3] = wrappedAxes != 0 ? 1 : 0
        out[4] = spanning ? 1 : 0
        out[5] = occupied < 2 ? 0 : Double(sumSquares - occupied) / (Double(occupied) * Double(occupied - 1))
        if geometry.periodic {
            for a in 0..<geometry.dimension { out[6 + a] = wrappedAxes & (1 << UInt32(a)) != 0 ? 1 : 0 }
        }
    }
}

/// Streams each n's observables into Σ_n B(M, n, p_k) Q_n for the p_k whose window holds n.
struct CanonicalSink: ObservableSink {
    let plan: BinomialConvolution
    let observables: Int
    let inverseSites: Double
    private(set) var accumulated: [Double]
    private var values: [Double]
    private var segment = 0

    init(plan: BinomialConvolution, observables: Int, sites: Int) {
        self.plan = plan
        self.observables = observables
        self.inverseSites = 1 / Double(sites)
        accumulated = Array(repeating: 0, count: plan.probabilities.count * observables)
        values = Array(repeating: 0, count: observables)
    }

    @inline(__always) mutating func record<Word, G>(_ n: Int, _ growth: inout ClusterGrowth<Word, G>) {
        while n >= plan.segmentStart[segment + 1] { segment += 1 }
        let first = plan.activeOffset[segment], last = plan.activeOffset[segment + 1]
        if first == last { return }
        let m = observables
        let inverse = inverseSites
        values.withUnsafeMutableBufferPointer { v in
            growth.observables(into: v.baseAddress!, inverseSites: inverse)
            plan.weights.withUnsafeBufferPointer { w in
                accumulated.withUnsafeMutableBufferPointer { acc in
                    for slot in first..<last {
                        let k = plan.activeK[slot]
                        let weight = w[plan.weightBase[k] + n]
                        let row = k * m
                        for o in 0..<m { acc[row + o] += weight * v[o] }
                    }
                }
            }
        }
    }
}

/// Keeps the whole microcanonical series (small lattices, tests).
struct SeriesSink: ObservableSink {
    let observables: Int
    let inverseSites: Double
    var series: [[Double]] = []

    init(observables: Int, sites: Int) {
        self.observables = observables
        self.inverseSites = 1 / Double(sites)
    }

    mutating func record<Word, G>(_ n: Int, _ growth: inout ClusterGrowth<Word, G>) {
        var row = [Double](repeating: 0, count: observables)
        let inverse = inverseSites
        row.withUnsafeMutableBufferPointer { growth.observables(into: $0.baseAddress!, inverseSites: inverse) }
        series.append(row)
    }
}

/// One trial's additions in the given order, with prefetching along it.
struct TrialVisitor<S: ObservableSink>: GrowthVisitor {
    let order: [Int32]
    let kind: PercolationKind
    let sink: S

    func visit<Word: FixedWidthInteger & SignedInteger, G: PotentialGroup>(
        _ growth: inout ClusterGrowth<Word, G>) throws -> S {
        var sink = self.sink
        let words = growth.forest.words
        let n = growth.geometry.siteCount
        let g = growth.geometry
        let d = g.dimension
        let ahead = NewmanZiffSweep.prefetchDistance
        // Neighbours along axes whose stride spans at least a cache line get their own prefetch.
        let lineWords = max(1, 64 / MemoryLayout<Word>.stride)
        let farAxes = (0..<d).filter { g.strides[$0] >= lineWords }
        order.withUnsafeBufferPointer { order in
            let count = order.count
            switch kind {
            case .site:
                sink.record(0, &growth)
                for t in 0..<count {
                    // `ahead` additions early: the site's word and its far neighbours' cache lines.
                    if t + ahead < count {
                        let k = Int(order[t + ahead])
                        ml_prefetch_write(words + k)
                        for a in farAxes {
                            let s = g.strides[a]
                            ml_prefetch_write(words + min(k + s, n - 1))
                            ml_prefetch_write(words + max(k - s, 0))
                        }
                    }
                    growth.addSite(Int(order[t]))
                    sink.record(t + 1, &growth)
                }
            case .bond:
                for i in 0..<n { growth.occupy(i) }
                for i in 0..<n where growth.faceFlags(i) == 3 { growth.spanning = true }
                sink.record(0, &growth)
                let perSite = FastModulo(d)
                for t in 0..<count {
                    if t + ahead < count {
                        let b = Int(order[t + ahead])
                        let k = d == 1 ? b : perSite.quotient(b)
                        ml_prefetch_write(words + k)
                        ml_prefetch_write(words + min(k + g.strides[b - k * d], n - 1))
                    }
                    let b = Int(order[t])
                    let i = d == 1 ? b : perSite.quotient(b)
                    growth.addBond(i, axis: b - i * d)
                    sink.record(t + 1, &growth)
                }
            }
        }
        return sink
    }
}
