import CPrefetch
import Support

// One Newman–Ziff trial's machinery: the bond list, the observable sinks (streaming canonical
// accumulation or a whole microcanonical series) and the addition loop with prefetching.

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
    /// The next run of additions to record, for n' ≥ n: `record` does something at every n' in
    /// the run and at none in [n, run.lowerBound), so the sweep skips the calls there. Non-empty,
    /// or empty at M + 1 when nothing from n on is recorded. Asked for n in increasing order.
    mutating func recordedRun(from n: Int) -> Range<Int>
}

extension ClusterGrowth {
    /// The observables of the current configuration, normalised per site, into `out` (shape
    /// [6 + d] periodic, [6] open): the same formulas for sweeps and for labeling.
    @inline(__always) func observables(into out: UnsafeMutablePointer<Double>, inverseSites: Double) {
        let pairs = observablePairs(inverseSites: inverseSites)
        out[0] = pairs.0.x; out[1] = pairs.0.y
        out[2] = pairs.1.x; out[3] = pairs.1.y
        out[4] = pairs.2.x; out[5] = pairs.2.y
        if geometry.periodic {
            for a in 0..<geometry.dimension { out[6 &+ a] = (wrappedAxes &>> UInt32(truncatingIfNeeded: a)) & 1 != 0 ? 1 : 0 }
        }
    }

    /// The observables as lane pairs (0, 1), (2, 3), (4, 5), (6, 7), (8, 9): largest cluster,
    /// Σ s² without it, clusters (per site); wrapping on any axis, spanning, the pair connectivity
    /// (two distinct occupied sites in one cluster); then the wrapping bit of axes 0–3 (0 beyond
    /// d or with open boundaries). The one place these formulas are written: ``observables(into:)``
    /// stores them, ``CanonicalSink`` keeps them in registers (d ≤ 4).
    @inline(__always) func observablePairs(inverseSites inverse: Double)
        -> (SIMD2<Double>, SIMD2<Double>, SIMD2<Double>, SIMD2<Double>, SIMD2<Double>) {
        // Wrapping integer operations: the counts stay far below overflow (Σ s² ≤ N² < 2^62), so
        // the values are those of the checked ones, without the overflow branches.
        let wrapped = wrappedAxes
        @inline(__always) func axisBit(_ a: UInt32) -> Double { (wrapped &>> a) & 1 != 0 ? 1 : 0 }
        return (SIMD2(Double(largest) * inverse, Double(sumSquares &- largest &* largest) * inverse),
                SIMD2(Double(clusters) * inverse, wrapped != 0 ? 1 : 0),
                SIMD2(spanning ? 1 : 0, occupied < 2 ? 0 : Double(sumSquares &- occupied) / (Double(occupied) * Double(occupied &- 1))),
                SIMD2(axisBit(0), axisBit(1)), SIMD2(axisBit(2), axisBit(3)))
    }
}

/// Streams each n's observables into Σ_n B(M, n, p_k) Q_n for the p_k whose window holds n. The
/// tables and buffers are pointers valid for one trial (``NewmanZiffSweep/canonicalTrial(_:)``
/// sets them up): with arrays here, each record paid uniqueness checks and retain / release.
///
/// Measured and not kept: buffering the counters of each recorded n and doing the floating-point
/// work per buffer of 256 (the same sums in the same order) instead of at each addition made no
/// difference within the noise (`modelattice-bench percolation`, ours / prefetching C 1.89 vs
/// 1.92 in 2D, 1.94 vs 1.91 in 3D, load 4.8).
struct CanonicalSink: ObservableSink {
    let plan: ConvolutionTables
    let observables: Int
    let inverseSites: Double
    /// Shape [K × observables], p-major: the running sums.
    let accumulated: UnsafeMutablePointer<Double>
    /// Shape [observables]: scratch for one configuration's observables.
    let values: UnsafeMutablePointer<Double>
    private var segment = 0

    init(plan: ConvolutionTables, observables: Int, sites: Int,
         accumulated: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>) {
        self.plan = plan
        self.observables = observables
        self.inverseSites = 1 / Double(sites)
        self.accumulated = accumulated
        self.values = values
    }

    /// The rest of the first segment at or after n with active p_k.
    @inline(__always) mutating func recordedRun(from n: Int) -> Range<Int> {
        while n >= plan.segmentStart[segment + 1] && segment + 1 < plan.segmentCount { segment += 1 }
        while plan.activeOffset[segment] == plan.activeOffset[segment + 1] {
            if segment + 1 == plan.segmentCount { return plan.segmentStart[segment + 1]..<plan.segmentStart[segment + 1] }
            segment += 1
        }
        return max(n, plan.segmentStart[segment])..<plan.segmentStart[segment + 1]
    }

    @inline(__always) mutating func record<Word, G>(_ n: Int, _ growth: inout ClusterGrowth<Word, G>) {
        while n >= plan.segmentStart[segment &+ 1] { segment &+= 1 }
        let first = plan.activeOffset[segment], last = plan.activeOffset[segment &+ 1]
        if first == last { return }
        let m = observables
        let acc = accumulated, activeK = plan.activeK.unsafelyUnwrapped
        if m > 10 {
            let v = values
            growth.observables(into: v, inverseSites: inverseSites)
            for slot in first..<last {
                let k = activeK[slot]
                let weight = plan.weights[plan.weightBase[k] &+ n]
                let row = UnsafeMutableRawPointer(acc + k &* m), from = UnsafeRawPointer(v)
                // Two lanes at a time: SIMD2 multiply and add round each lane exactly as the scalar
                // operations do (no fused multiply-add), so the sums are bit for bit the same.
                var o = 0
                while o &+ 2 <= m {
                    let sum = row.loadUnaligned(fromByteOffset: o &* 8, as: SIMD2<Double>.self)
                        + weight * from.loadUnaligned(fromByteOffset: o &* 8, as: SIMD2<Double>.self)
                    row.storeBytes(of: sum, toByteOffset: o &* 8, as: SIMD2<Double>.self)
                    o &+= 2
                }
                if o < m { acc[k &* m &+ o] += weight * v[o] }
            }
            return
        }
        // m ≤ 10 (open lattices, periodic ones up to d = 4): the observables kept in registers as
        // lane pairs instead of going through `values` (16 of about 470 instructions per added
        // site fewer in 2D, cachegrind).
        let (pair0, pair1, pair2, pair3, pair4) = growth.observablePairs(inverseSites: inverseSites)
        for slot in first..<last {
            let k = activeK[slot]
            let weight = plan.weights[plan.weightBase[k] &+ n]
            let row = UnsafeMutableRawPointer(acc + k &* m)
            // SIMD2 multiply and add round each lane exactly as the scalar operations do (no fused
            // multiply-add), so the sums are bit for bit those of one observable at a time.
            @inline(__always) func add(_ pair: SIMD2<Double>, at o: Int) {
                let sum = row.loadUnaligned(fromByteOffset: o &* 8, as: SIMD2<Double>.self) + weight * pair
                row.storeBytes(of: sum, toByteOffset: o &* 8, as: SIMD2<Double>.self)
            }
            add(pair0, at: 0)
            add(pair1, at: 2)
            add(pair2, at: 4)
            if m >= 8 { add(pair3, at: 6) }
            if m >= 10 { add(pair4, at: 8) }
            // Odd m: the last observable alone (axis 0's bit at m = 7, axis 2's at m = 9).
            if m & 1 != 0 { acc[k &* m &+ m &- 1] += weight * (m == 7 ? pair3.x : pair4.x) }
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

    func recordedRun(from n: Int) -> Range<Int> { n..<Int.max }

    mutating func record<Word, G>(_ n: Int, _ growth: inout ClusterGrowth<Word, G>) {
        var row = [Double](repeating: 0, count: observables)
        let inverse = inverseSites
        row.withUnsafeMutableBufferPointer { growth.observables(into: $0.baseAddress!, inverseSites: inverse) }
        series.append(row)
    }
}

/// One trial's additions in the given order: sites through ``SiteSweep`` (specialised for d = 2
/// and 3), bonds here, with prefetching along the order.
///
/// Where the time went before ``SiteSweep`` (perf, cpu-clock samples of `modelattice-bench
/// percolation`, 2D and 3D together, after the changes of issue 17 item 6; ours / prefetching C
/// 1.34 / 1.38 in that run, load 3.2–4): of our sweep's samples, the union-find site additions
/// (then a ``ClusterGrowth`` method with inlined join and find) 52%, this loop 29% (much of it
/// waiting at the `ahead` prefetch instructions for a free line-fill buffer, the rest the parent
/// prefetches and the records), the GSL shuffle 19% (mt19937's `get` alone costs 10–13 ns per call
/// here, measured in C, while the C reference's whole xoshiro shuffle step costs 6–13 ns).
/// Cachegrind (2D L = 1024, before the overflow checks were removed) counted about 750
/// instructions per addition here against 261 for the prefetching C sweep, shuffle included;
/// about 680 before ``SiteSweep`` and 418 with it and the record in registers (249 for the C
/// sweep, same build). Measured and not kept: the
/// `ahead` prefetches into L2 only (prefetcht1): 1.57–1.60 / 1.48–1.56 against 1.53 / 1.49–1.54.
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
        order.withUnsafeBufferPointer { order in
            let count = order.count
            switch kind {
            case .site:
                switch d {
                case 2: sink = SiteSweep<Word, G, SweepRank2>.run(&growth, order: order, sink: sink)
                case 3: sink = SiteSweep<Word, G, SweepRank3>.run(&growth, order: order, sink: sink)
                default: sink = SiteSweep<Word, G, SweepRankAny>.run(&growth, order: order, sink: sink)
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
