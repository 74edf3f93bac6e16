/// Clusters of a hypercubic lattice grown one site or bond at a time, with every observable of a
/// configuration kept up to date after each addition (Newman & Ziff, PRE 64, 016706, 2001):
///
/// - `largest` S_max; `sumSquares` Σ_clusters s² (on merging sizes a, b it grows by 2ab), so the
///   susceptibility sum over all clusters but the largest is Σ s² − S_max², and the pair
///   connectivity numerator Σ s(s − 1) = Σ s² − (occupied sites);
/// - `clusters`, isolated sites included;
/// - `wrappedAxes` (periodic): bit a set once some cluster wraps along axis a. Machta's method
///   (Machta, Choi, Lucke, Schweizer & Chayes, PRE 54, 1996; Newman & Ziff §II.D): each site keeps its
///   unwrapped displacement to its root, as a winding vector W with U = c + L·W; joining two sites
///   of the same cluster whose displacements disagree with the bond closes a loop around the torus.
///   W is kept mod 2^b per axis (b from the spare bits of the union-find word, b ≥ 2), so a loop is
///   missed only if its winding along every axis is a nonzero multiple of 2^b;
/// - `spanning` (open): some cluster touches both faces of axis 0 (root flags 1 and 2).
///
/// The counters use wrapping arithmetic (`&+`, `&*`): they stay below N ≤ 2^31 (Σ s² below N² <
/// 2^62), so the values are those of checked arithmetic, without its overflow branches in the
/// sweep's innermost loop.
///
/// The sweep adds sites (or bonds) in random order; the labeling of a given occupancy
/// (``RasterLabeling``) computes the same observables with the same formulas and winding width.
@usableFromInline
struct ClusterGrowth<Word: FixedWidthInteger & SignedInteger, G: PotentialGroup> {
    @usableFromInline var forest: UnionFind<Word, G>
    @usableFromInline let geometry: LatticeSteps

    @usableFromInline var occupied = 0
    @usableFromInline var clusters = 0
    @usableFromInline var largest = 0
    @usableFromInline var sumSquares = 0
    @usableFromInline var wrappedAxes: UInt32 = 0
    @usableFromInline var spanning = false

    @usableFromInline init(storage: UnsafeMutablePointer<Word>, geometry: LatticeSteps, group: G) {
        self.geometry = geometry
        self.forest = UnionFind(storage: storage, count: geometry.siteCount, group: group)
    }

    /// Root flags of a new site: bit 0 on the face c_0 = 0, bit 1 on the face c_0 = L − 1 (open).
    @inline(__always) @usableFromInline func faceFlags(_ i: Int) -> Int {
        geometry.periodic ? 0 : ((i < geometry.faceStride ? 1 : 0) | (i >= geometry.lastFaceStart ? 2 : 0))
    }

    /// Occupies site i as a new singleton cluster.
    @inline(__always) @usableFromInline mutating func occupy(_ i: Int) {
        forest.makeRoot(i, flags: faceFlags(i))
        occupied &+= 1
        clusters &+= 1
        sumSquares &+= 1
        if largest == 0 { largest = 1 }
    }

    /// Joins present sites i and j by a bond whose winding from i to j is `delta`.
    @inline(__always) @usableFromInline mutating func link(_ i: Int, _ j: Int, delta: UInt64) {
        let (ri, wi) = forest.find(i)
        _ = join(root: ri, potential: wi, j, delta: delta)
    }

    /// Joins the cluster of a site whose root is `ri` (the site's potential to it `wi`) with that
    /// of present site j, across a bond of winding `delta` from the site to j. Returns the site's
    /// root and potential afterwards, so that a new site's successive links skip its own find
    /// (as in Newman & Ziff's program).
    @inline(__always) @usableFromInline
    mutating func join(root ri: Int, potential wi: UInt64, _ j: Int, delta: UInt64) -> (Int, UInt64) {
        let (rj, wj) = forest.find(j)
        if ri == rj {
            if !G.isTrivial {
                // W(j) must equal W(i) + delta on a loop that does not wind around the torus.
                let mismatch = forest.group.subtract(forest.group.subtract(wj, wi), delta)
                if mismatch != 0 { wrappedAxes |= forest.group.nonzeroAxes(mismatch) }
            }
            return (ri, wi)
        }
        let wordI = forest.words[ri]
        let wordJ = forest.words[rj]
        let sizeI = forest.size(ofRootWord: wordI)
        let sizeJ = forest.size(ofRootWord: wordJ)
        clusters &-= 1
        sumSquares &+= 2 &* sizeI &* sizeJ
        if sizeI < sizeJ {
            // Put ri under rj: W'(i) = W(j) − delta, so potential(ri → rj) = wj − delta − wi.
            let shifted = G.isTrivial ? 0 : forest.group.subtract(wj, delta)
            let g = G.isTrivial ? 0 : forest.group.subtract(shifted, wi)
            let merged = forest.attach(ri, childRootWord: wordI, under: rj, parentRootWord: wordJ, potential: g)
            if merged > largest { largest = merged }
            if !geometry.periodic && forest.flags(ofRootWord: forest.words[rj]) == 3 { spanning = true }
            return (rj, shifted)
        } else {
            let g = G.isTrivial ? 0 : forest.group.subtract(forest.group.add(wi, delta), wj)
            let merged = forest.attach(rj, childRootWord: wordJ, under: ri, parentRootWord: wordI, potential: g)
            if merged > largest { largest = merged }
            if !geometry.periodic && forest.flags(ofRootWord: forest.words[ri]) == 3 { spanning = true }
            return (ri, wi)
        }
    }

    /// Adds the bond from site i to its + neighbour along `axis` (both sites present).
    @inline(__always) @usableFromInline mutating func addBond(_ i: Int, axis a: Int) {
        let g = geometry
        let r = a == 0 ? i : g.spans[a].remainder(i)
        if r < g.lastRowStart[a] {
            link(i, i + g.strides[a], delta: 0)
        } else {
            link(i, i + g.strides[a] - g.spanSizes[a], delta: g.plus[a])
        }
    }
}

/// Per-axis constants for stepping between neighbours without a neighbour table. Shapes [d].
@usableFromInline
struct LatticeSteps: @unchecked Sendable {
    @usableFromInline let dimension: Int
    @usableFromInline let siteCount: Int
    @usableFromInline let periodic: Bool
    /// L^(d−1−a).
    @usableFromInline let strides: UnsafeMutablePointer<Int>
    /// stride_a · L: the block within which axis a's coordinate runs.
    @usableFromInline let spanSizes: UnsafeMutablePointer<Int>
    /// stride_a · (L − 1): offsets r ≥ this lie on the last row of axis a.
    @usableFromInline let lastRowStart: UnsafeMutablePointer<Int>
    /// x mod spanSizes[a].
    @usableFromInline let spans: UnsafeMutablePointer<FastModulo>
    /// Winding of a step across the + / − boundary of axis a.
    @usableFromInline let plus: UnsafeMutablePointer<UInt64>
    @usableFromInline let minus: UnsafeMutablePointer<UInt64>
    /// Sites with index < faceStride lie on c_0 = 0; index ≥ lastFaceStart on c_0 = L − 1.
    @usableFromInline let faceStride: Int
    @usableFromInline let lastFaceStart: Int
    private let owner: Allocation

    @usableFromInline init(lattice: HypercubicLattice, winding: WindingGroup?) {
        let d = lattice.dimension
        dimension = d
        siteCount = lattice.siteCount
        periodic = lattice.isPeriodic
        owner = Allocation(bytes: d * (4 * 8 + MemoryLayout<FastModulo>.stride + 16))
        let ints = owner.raw.bindMemory(to: Int.self, capacity: 3 * d)
        strides = ints
        spanSizes = ints + d
        lastRowStart = ints + 2 * d
        let words = (owner.raw + 3 * d * 8).bindMemory(to: UInt64.self, capacity: 2 * d)
        plus = words
        minus = words + d
        spans = (owner.raw + 5 * d * 8).bindMemory(to: FastModulo.self, capacity: d)
        for a in 0..<d {
            strides[a] = lattice.strides[a]
            spanSizes[a] = lattice.strides[a] * lattice.side
            lastRowStart[a] = lattice.strides[a] * (lattice.side - 1)
            spans[a] = FastModulo(spanSizes[a])
            plus[a] = winding?.unit(axis: a) ?? 0
            minus[a] = winding?.negativeUnit(axis: a) ?? 0
        }
        faceStride = lattice.strides[0]
        lastFaceStart = lattice.siteCount - lattice.strides[0]
    }
}

/// Owns a raw allocation and frees it with the last reference.
final class Allocation: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    init(bytes: Int) { raw = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64) }
    deinit { raw.deallocate() }
}
