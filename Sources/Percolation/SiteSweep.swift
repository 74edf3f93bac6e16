import CPrefetch

/// The lattice dimension of a site sweep, fixed at compile time for d = 2 and 3 (the generic
/// ``SiteSweep`` is specialised for each, so the neighbour loop is unrolled and the per-axis
/// constants stay in registers) or read at run time for every other d.
protocol SweepRank {
    static func dimension(_ runtime: Int) -> Int
}

enum SweepRank2: SweepRank {
    @inline(__always) static func dimension(_ runtime: Int) -> Int { 2 }
}

enum SweepRank3: SweepRank {
    @inline(__always) static func dimension(_ runtime: Int) -> Int { 3 }
}

enum SweepRankAny: SweepRank {
    @inline(__always) static func dimension(_ runtime: Int) -> Int { runtime }
}

/// One axis's constants for stepping between neighbours: the same values as ``LatticeSteps``
/// holds for axis a, gathered in one record.
struct SweepAxis {
    /// L^(d−1−a).
    let stride: Int
    /// stride · L: the block within which axis a's coordinate runs (offsets r = i mod span ≥
    /// span − stride lie on the last row of axis a, r < stride on the first).
    let span: Int
    /// x mod span.
    let modulo: FastModulo
    /// Winding of a step across the + / − boundary of axis a (0 with open boundaries).
    let plus: UInt64
    let minus: UInt64
}

/// The site sweep's addition loop (Newman & Ziff's site addition on ``ClusterGrowth``'s union-find
/// and counters): occupies the sites in `order` one at a time as singleton clusters, joins each to
/// its present neighbours (+ then − neighbour along axis 0, 1, …), and hands the configuration
/// after each addition n = 1…M to the sink when the sink records n (and n = 0 first). A join finds
/// the neighbour's root and its winding potential relative to it; the same root as the new site's
/// closes a loop, which winds around the torus along the axes where the potentials disagree with
/// the step (Machta's method, see ``ClusterGrowth``); different roots merge, the smaller tree under
/// the larger root, with Σ s² growing by 2ab and the largest size updated.
///
/// Written for speed (issue 17): the counters, the new site's root, potential and root word, and
/// the union-find constants are local variables; the finds of one and two steps are inline (the
/// two-step one compresses the path as ``UnionFind/find(_:)`` does, longer paths go through it);
/// at a loop closure with no boundary step the potentials are compared directly (the mismatch is
/// zero exactly when they are equal); the axis loops are unrolled for d = 2 and 3 with the axes'
/// constants in locals (the last axis's stride is 1, axis 0's span is the lattice); the records
/// are out of line. Any union-find that keeps the same partition computes the same observables:
/// which bonds merge clusters depends only on the order of additions, so the potentials along the
/// tree of merging bonds, and hence every loop's winding, do not depend on the tree's shape.
///
/// Prefetching: `ahead` additions early, the cache lines of the site's word and of its 2d
/// neighbours' (indices clamped into the array across a boundary: a hint only); `near` additions
/// early, the line of each neighbour's parent (its root, after path compression).
struct SiteSweep<Word: FixedWidthInteger & SignedInteger, G: PotentialGroup, R: SweepRank> {
    /// Runs the whole trial on `growth` (all sites absent) and returns the sink.
    @inline(__always)
    static func run<S: ObservableSink>(_ growth: inout ClusterGrowth<Word, G>, order: UnsafeBufferPointer<Int32>,
                                       sink initial: S) -> S {
        var sink = initial
        let geometry = growth.geometry
        // Open lattices carry no windings and periodic ones always do (``withClusterGrowth``).
        precondition(geometry.periodic == !G.isTrivial)
        let d = R.dimension(geometry.dimension)
        precondition(d == geometry.dimension)
        return withUnsafeTemporaryAllocation(of: SweepAxis.self, capacity: d) { axisBuffer in
            let axes = axisBuffer.baseAddress!
            for a in 0..<d {
                (axes + a).initialize(to: SweepAxis(
                    stride: geometry.strides[a], span: geometry.spanSizes[a], modulo: geometry.spans[a], plus: geometry.plus[a], minus: geometry.minus[a]))
            }
            loop(&growth, order: order, axes: axes, sink: &sink)
            return sink
        }
    }

    @inline(__always)
    private static func loop<S: ObservableSink>(_ growth: inout ClusterGrowth<Word, G>, order: UnsafeBufferPointer<Int32>,
                                                axes: UnsafePointer<SweepAxis>, sink: inout S) {
        let forest = growth.forest
        let words = forest.words
        let group = forest.group
        let shift = forest.shift
        let indexMask = forest.indexMask
        let geometry = growth.geometry
        let periodic = !G.isTrivial
        let faceStride = geometry.faceStride, lastFaceStart = geometry.lastFaceStart
        let n = geometry.siteCount
        let d = R.dimension(geometry.dimension)
        let count = order.count
        let orderBase = order.baseAddress!
        let ahead = NewmanZiffSweep.prefetchDistance
        let near = NewmanZiffSweep.parentPrefetchDistance
        let absent = Word.min
        // For d = 2 and 3 the axes' records are copied into locals and the axis loops unrolled.
        let axis0 = axes[0], axis1 = axes[d > 1 ? 1 : 0], axis2 = axes[d > 2 ? 2 : 0]
        @inline(__always) func eachAxis(_ body: (Int, SweepAxis) -> Void) {
            switch d {
            case 2 where R.self == SweepRank2.self:
                body(0, axis0); body(1, axis1)
            case 3 where R.self == SweepRank3.self:
                body(0, axis0); body(1, axis1); body(2, axis2)
            default:
                for a in 0..<d { body(a, axes[a]) }
            }
        }

        // After addition t, t + 1 more sites are occupied than at the start.
        let occupiedBefore = growth.occupied
        var clusters = growth.clusters, largest = growth.largest
        var sumSquares = growth.sumSquares, wrappedAxes = growth.wrappedAxes, spanning = growth.spanning

        @inline(__always) func parent(_ w: Word) -> Int { Int(truncatingIfNeeded: w) & indexMask }
        @inline(__always) func potential(_ w: Word) -> UInt64 {
            G.isTrivial ? 0 : UInt64(truncatingIfNeeded: Int(truncatingIfNeeded: w) &>> shift)
        }
        @inline(__always) func size(_ rootWord: Word) -> Int { (Int(truncatingIfNeeded: ~rootWord) & indexMask) &+ 1 }
        @inline(__always) func flags(_ rootWord: Word) -> Int { Int(truncatingIfNeeded: ~rootWord) &>> shift }

        sink.record(0, &growth)
        // n = t + 1 is recorded when it lies in `run` (runs are consecutive n; the sink skips the
        // n between them).
        var run = sink.recordedRun(from: 1)
        let wordAddress = Int(bitPattern: words), wordSize = MemoryLayout<Word>.stride
        for t in 0..<count {
            if t &+ ahead < count {
                let k = Int(orderBase[t &+ ahead])
                ml_prefetch_write(words + k)
                eachAxis { a, axis in
                    // Hints only (a prefetch never faults): across a boundary the address lies
                    // off the array, so it is formed from the bit pattern, not by pointer arithmetic.
                    let s = a == d &- 1 ? 1 : axis.stride
                    ml_prefetch_write(UnsafeRawPointer(bitPattern: wordAddress &+ (k &+ s) &* wordSize))
                    ml_prefetch_write(UnsafeRawPointer(bitPattern: wordAddress &+ (k &- s) &* wordSize))
                }
            }
            if t &+ near < count {
                let k = Int(orderBase[t &+ near])
                eachAxis { a, axis in
                    let s = a == d &- 1 ? 1 : axis.stride
                    let up = min(k &+ s, n &- 1), down = max(k &- s, 0)
                    let wu = words[up], wd = words[down]
                    ml_prefetch_write(words + (wu >= 0 ? Int(truncatingIfNeeded: wu) & indexMask : up))
                    ml_prefetch_write(words + (wd >= 0 ? Int(truncatingIfNeeded: wd) & indexMask : down))
                }
            }

            // The addition of site i: a singleton root, then a join with each present neighbour.
            let i = Int(orderBase[t])
            let ownFlags = periodic ? 0 : ((i < faceStride ? 1 : 0) | (i >= lastFaceStart ? 2 : 0))
            var ownRoot = i
            var ownPotential: UInt64 = 0
            var ownWord = ~Word(truncatingIfNeeded: ownFlags &<< shift)
            words[i] = ownWord
            clusters &+= 1
            sumSquares &+= 1
            if largest == 0 { largest = 1 }
            if !periodic && ownFlags == 3 { spanning = true }

            @inline(__always) func join(_ j: Int, delta: UInt64) {
                let wj = words[j]
                if wj == absent { return }
                // Find j's root and j's potential relative to it: j itself, its parent, or further
                // (then with path compression).
                var rootJ = j, potentialJ: UInt64 = 0, rootWordJ = wj
                if wj >= 0 {
                    let x = parent(wj)
                    let wx = words[x]
                    if wx < 0 {
                        rootJ = x
                        potentialJ = potential(wj)
                        rootWordJ = wx
                    } else {
                        let y = parent(wx)
                        let wy = words[y]
                        if wy < 0 {
                            // Two steps (j's parent was attached under another root): point j at
                            // the root, as full path compression does.
                            rootJ = y
                            potentialJ = G.isTrivial ? 0 : group.add(potential(wj), potential(wx))
                            rootWordJ = wy
                            words[j] = forest.childWord(parent: y, potential: potentialJ)
                        } else {
                            (rootJ, potentialJ) = findFar(forest, j)
                            rootWordJ = words[rootJ]
                        }
                    }
                }
                if rootJ == ownRoot {
                    // W(j) must equal W(i) + delta on a loop that does not wind around the torus;
                    // with delta = 0 the mismatch is zero exactly when the potentials are equal.
                    if !G.isTrivial && (potentialJ != ownPotential || delta != 0) {
                        let mismatch = group.subtract(group.subtract(potentialJ, ownPotential), delta)
                        if mismatch != 0 { wrappedAxes |= group.nonzeroAxes(mismatch) }
                    }
                    return
                }
                let sizeI = size(ownWord), sizeJ = size(rootWordJ)
                let merged = sizeI &+ sizeJ
                let mergedFlags = periodic ? 0 : flags(ownWord) | flags(rootWordJ)
                let mergedWord = ~Word(truncatingIfNeeded: (merged &- 1) | (mergedFlags &<< shift))
                clusters &-= 1
                sumSquares &+= 2 &* sizeI &* sizeJ
                if sizeI < sizeJ {
                    // Own root under rootJ: W'(i) = W(j) − delta, so potential(ownRoot → rootJ) = wj − delta − wi.
                    // (x − 0 = x: potentials are kept reduced, so the common cases skip the lanes.)
                    let shifted = G.isTrivial ? 0 : delta == 0 ? potentialJ : group.subtract(potentialJ, delta)
                    let g = G.isTrivial ? 0 : ownPotential == 0 ? shifted : group.subtract(shifted, ownPotential)
                    words[rootJ] = mergedWord
                    words[ownRoot] = forest.childWord(parent: rootJ, potential: g)
                    ownRoot = rootJ
                    ownPotential = shifted
                } else {
                    let g = G.isTrivial ? 0 : group.subtract(group.add(ownPotential, delta), potentialJ)
                    words[ownRoot] = mergedWord
                    words[rootJ] = forest.childWord(parent: ownRoot, potential: g)
                }
                ownWord = mergedWord
                if merged > largest { largest = merged }
                if !periodic && mergedFlags == 3 { spanning = true }
            }

            eachAxis { a, axis in
                // The last axis has stride 1 and axis 0 spans the whole lattice (r = i).
                let stride = a == d &- 1 ? 1 : axis.stride
                let span = a == 0 ? n : axis.span
                let r = a == 0 ? i : axis.modulo.remainder(i)
                // + neighbour, across the boundary when r is on the last row (open: none there).
                let plusWraps = r >= span &- stride
                if periodic || !plusWraps {
                    join(i &+ stride &- (plusWraps ? span : 0), delta: plusWraps ? axis.plus : 0)
                }
                // − neighbour, across the boundary when r is on the first row.
                let minusWraps = r < stride
                if periodic || !minusWraps {
                    join(i &- stride &+ (minusWraps ? span : 0), delta: minusWraps ? axis.minus : 0)
                }
            }

            if t &+ 1 >= run.lowerBound {
                growth.occupied = occupiedBefore &+ t &+ 1
                growth.clusters = clusters
                growth.largest = largest
                growth.sumSquares = sumSquares
                growth.wrappedAxes = wrappedAxes
                growth.spanning = spanning
                record(&sink, t &+ 1, &growth, &run)
            }
        }
        growth.occupied = occupiedBefore &+ count
        growth.clusters = clusters
        growth.largest = largest
        growth.sumSquares = sumSquares
        growth.wrappedAxes = wrappedAxes
        growth.spanning = spanning
    }

    /// Records configuration n and moves `run` on at its end (out of line: the addition loop keeps
    /// its registers for the union-find).
    @inline(never)
    private static func record<S: ObservableSink>(_ sink: inout S, _ n: Int, _ growth: inout ClusterGrowth<Word, G>,
                                                  _ run: inout Range<Int>) {
        sink.record(n, &growth)
        if n &+ 1 >= run.upperBound { run = sink.recordedRun(from: n &+ 1) }
    }

    /// Root of present element j and j's potential relative to it, with path compression: the
    /// finds that go beyond j's parent (out of line, so the loop stays small).
    @inline(never)
    private static func findFar(_ forest: UnionFind<Word, G>, _ j: Int) -> (root: Int, potential: UInt64) {
        forest.find(j)
    }
}
