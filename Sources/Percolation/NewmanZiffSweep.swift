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

    /// How many additions prefetching runs ahead of the current one. Measured (thread CPU time,
    /// ns per added site, 2D L=1024 / 3D L=128, quiet machine): none 115 / 219, distance 8: 64 / 81,
    /// 16: 65 / 76, 32: 65 / 78. Remeasured after the addition loop was tightened, as thread CPU
    /// time relative to the prefetching C sweep, variants alternating in one process (load 3.5–4,
    /// 2D / 3D), ahead / parents at 12 / 6: 1.65 / 1.61, 16 / 8: 1.70 / 1.64, 24 / 6: 1.68 / 1.65,
    /// 32 / 8: 1.71 / 1.65, 32 / 16: 1.77 / 1.70: flat within the noise; 16 kept.
    static let prefetchDistance = 16

    /// How many additions ahead the neighbours' parent words are requested (their own words
    /// arrived from the prefetch at ``prefetchDistance``). Measured on the loaded machine as
    /// thread CPU time relative to the prefetching C sweep in the same run (`modelattice-bench
    /// percolation`, 2D / 3D): without it 2.07 / 1.62, at distance 8: 1.70–1.75 / 1.56–1.62; after
    /// the loop was tightened (paired in one process, load 2.9–4.4): without 1.69 / 1.61, at 8:
    /// 1.62 / 1.62. With ``SiteSweep`` (variants alternating in one process, thread CPU time, load
    /// 2.5–3, two runs of 7 and 11 rounds), distance 4 took 0.96–0.98 (2D) and 0.93–0.98 (3D) of
    /// the time at 8; 3 and 5 were alike, 2 and 12 slower.
    static let parentPrefetchDistance = 4

    public init(lattice: HypercubicLattice, kind: PercolationKind, probabilities: [Double],
                seed: UInt64, generator: String? = nil) throws {
        let resolved = RandomGenerator.resolvedAlgorithm(generator)
        try RandomGenerator.validate(algorithm: resolved)
        guard !probabilities.isEmpty, probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw ModeLatticeError.usage("every p must lie in [0, 1]")
        }
        if kind == .bond && lattice.bondCount > HypercubicLattice.maximumSites {
            throw ModeLatticeError.usage(
                "bond percolation on \(lattice) has \(lattice.bondCount) bonds, more than 2^31 - 1; use a smaller side")
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
        guard points >= 1 else { throw ModeLatticeError.invalid("points", "must be at least 1 (got \(points))") }
        guard pmin >= 0 && pmin <= 1 && pmax >= 0 && pmax <= 1 else {
            throw ModeLatticeError.usage("p must lie in [0, 1] (got pmin \(pmin), pmax \(pmax))")
        }
        guard pmin <= pmax else {
            throw ModeLatticeError.usage("pmin \(pmin) is greater than pmax \(pmax); swap them")
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
        let m = observableCount
        var accumulated = [Double](repeating: 0, count: probabilities.count * m)
        try accumulated.withUnsafeMutableBufferPointer { acc in
            try withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { values in
                try convolution.withTables { plan in
                    var sink = CanonicalSink(plan: plan, observables: m, sites: lattice.siteCount,
                                             accumulated: acc.baseAddress!, values: values.baseAddress!)
                    try runTrial(trial, sink: &sink)
                }
            }
        }
        return accumulated
    }

    /// One trial's microcanonical series (for checks on small lattices). Shape [M + 1][observableCount].
    public func microcanonicalTrial(_ trial: Int) throws -> [[Double]] {
        var sink = SeriesSink(observables: observableCount, sites: lattice.siteCount)
        try runTrial(trial, sink: &sink)
        return sink.series
    }

    /// Trial t's order of additions: a GSL-driven Fisher–Yates permutation of the sites, or of
    /// the bond identifiers site·d + axis (see ``HypercubicLattice``). Shape [M]. The shuffle is
    /// ``RandomGenerator/shuffle(_:)`` exactly (same draws, same permutation), with prefetching.
    public func additionOrder(trial: Int) throws -> [Int32] {
        let rng = try RandomGenerator(algorithm: generator, seed: trialSeed(trial))
        var order: [Int32]
        switch kind {
        case .site:
            let n = lattice.siteCount
            order = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
                for i in 0..<n { buffer[i] = Int32(truncatingIfNeeded: i) }
                count = n
            }
        case .bond:
            order = lattice.bondIdentifiers()
        }
        order.withUnsafeMutableBufferPointer {
            PrefetchingShuffle.shuffle($0.baseAddress!, count: $0.count, rng: rng)
        }
        return order
    }

    private func runTrial<S: ObservableSink>(_ trial: Int, sink: inout S) throws {
        let order = try additionOrder(trial: trial)
        sink = try lattice.withClusterGrowth(TrialVisitor(order: order, kind: kind, sink: sink), layout: layout)
    }

    /// Union-find layout override (tests exercise the 8-byte layout on small lattices).
    var layout: ForestLayout?

    /// Runs trials 0..<trials with ``UnitRunner`` (threads, and MPI ranks when launched under
    /// mpirun); trials already in `checkpoint` (an interrupted run) are not recomputed, and each
    /// newly finished trial is appended to it.
    public func run(trials: Int, threads: Int, checkpoint: Checkpoint<[Double]>? = nil,
                    progress: ProgressLine? = nil) throws -> SweepResult {
        guard trials >= 1 else { throw ModeLatticeError.invalid("trials", "must be at least 1 (got \(trials))") }
        let width = probabilities.count * observableCount
        if let checkpoint {
            for index in checkpoint.restored.keys.sorted()
            where index >= trials || checkpoint.restored[index]!.count != width {
                throw ModeLatticeError.data(
                    "checkpoint '\(checkpoint.path)' holds a trial \(index) that does not belong to this sweep; delete it")
            }
        }
        let perTrial = try UnitRunner.run(count: trials, threads: threads, checkpoint: checkpoint, progress: progress) {
            try self.canonicalTrial($0)
        }
        return SweepResult(sweep: self, perTrial: perTrial)
    }
}
