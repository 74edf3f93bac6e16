/// Two-pass cluster labeling of a site mask with label equivalences (the classic scheme of
/// Rosenfeld & Pfaltz 1966, in the union-find form of Wu, Otoo & Suzuki, Pattern Anal. Appl. 12,
/// 2009), for nearest-neighbour (2d-) connectivity on Z^d:
///
/// 1. Raster scan, row by row along the last axis: an occupied site takes the provisional label
///    of its occupied left neighbour or, failing that, of its first occupied back neighbour along
///    another axis (index − stride_a, inside the lattice); a site with neither gets a new label.
///    Labels seen together are merged in a union-find over LABELS (not sites), rooted at the
///    smallest label, so the root of a class is the label of its first site in C order. The merge
///    with the back neighbour j = i − stride_a is skipped when i − 1 and j − 1 are both occupied:
///    then i − 1 ~ j − 1 ~ j already.
/// 2. Periodic boundaries: each bond across the boundary of axis a (site on the last row, its +
///    neighbour on the first) merges the two labels' classes. Winding vectors (Machta et al.,
///    PRE 54, 1996) detect wrapping: every site carries winding 0 relative to its provisional
///    label (the scan crosses no boundary), the union-find over labels carries each label's
///    winding W relative to its parent, and a boundary bond of winding e_a from site i to site j
///    inside one class with W(j) ≠ W(i) + e_a closes a loop around the torus along the axes where
///    they differ. W is kept modulo 2^b per axis (``WindingGroup``), with the b of the sweep's
///    union-find layout, so labeling and sweep report the same wrapping.
/// 3. Flattening in increasing label order (a root gets the next cluster number, any other label
///    its parent's, which is smaller and already final); a cluster's size is the sum of the site
///    counts of its labels, tallied during the scan. Only when site labels are asked for, one more
///    pass rewrites each site's provisional label into its cluster number.
///
/// Cluster numbers come out 0, 1, … in order of each cluster's first site in C order.
enum RasterLabeling {
    /// Labels `occupancy` (nonzero = occupied, shape [N] in C order of `lattice`). `windingBits`
    /// is b above (periodic lattices; ignored for open ones).
    static func label(occupancy: UnsafePointer<UInt8>, lattice: HypercubicLattice, windingBits: Int,
                      siteLabels: Bool) -> LabelingResult {
        let n = lattice.siteCount
        if siteLabels {
            var wrapped: UInt32 = 0
            var summary = Summary()
            let labels = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
                summary = label(occupancy, lattice, windingBits, into: buffer.baseAddress!, rewrite: true, wrapped: &wrapped)
                count = n
            }
            return summary.result(lattice: lattice, wrapped: wrapped, labels: labels)
        }
        let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { scratch.deallocate() }
        var wrapped: UInt32 = 0
        let summary = label(occupancy, lattice, windingBits, into: scratch, rewrite: false, wrapped: &wrapped)
        return summary.result(lattice: lattice, wrapped: wrapped, labels: nil)
    }

    /// What the site pass gathers: cluster sizes (by cluster number), occupied count, spanning.
    struct Summary {
        var sizes: [Int] = []
        var occupied = 0
        var spanning = false

        func result(lattice: HypercubicLattice, wrapped: UInt32, labels: [Int32]?) -> LabelingResult {
            let largest = sizes.max() ?? 0
            // n_s, and Σ s² over clusters.
            var counts = [Int](repeating: 0, count: largest + 1)
            var sumSquares = 0
            for s in sizes {
                counts[s] += 1
                sumSquares += s * s
            }
            var histogram: [LabelingResult.SizeCount] = []
            for (size, count) in counts.enumerated() where count > 0 {
                histogram.append(.init(size: size, count: count))
            }
            // The second largest counts ties: two clusters of size S_max make it S_max.
            var secondLargest = 0
            if largest > 0 {
                if counts[largest] >= 2 {
                    secondLargest = largest
                } else if let below = histogram.dropLast().last {
                    secondLargest = below.size
                }
            }
            // Σ s(s − 1) / (n(n − 1)): the sweep's pair-connectivity formula.
            let pair = occupied < 2 ? 0 : Double(sumSquares - occupied) / (Double(occupied) * Double(occupied - 1))
            return LabelingResult(
                lattice: lattice, sites: lattice.siteCount, occupied: occupied, clusters: sizes.count,
                largest: largest, secondLargest: secondLargest, sumOfSquaredSizes: sumSquares,
                wrappingAxes: (0..<lattice.dimension).map { lattice.isPeriodic && wrapped & (1 << UInt32($0)) != 0 },
                spanning: !lattice.isPeriodic && spanning, pairConnectivity: pair, histogram: histogram, labels: labels)
        }
    }

    /// Labels into `out` (shape [N], −1 for an empty site): each site's cluster number when
    /// `rewrite`, else its provisional label (scratch).
    private static func label(_ occupancy: UnsafePointer<UInt8>, _ lattice: HypercubicLattice, _ windingBits: Int,
                              into out: UnsafeMutablePointer<Int32>, rewrite: Bool, wrapped: inout UInt32) -> Summary {
        let n = lattice.siteCount, d = lattice.dimension, side = lattice.side
        // Union-find over provisional labels: parent[l] ≤ l, roots point at themselves. At most
        // one label per occupied site; pages never touched are never committed.
        let parent = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        // Sites that received each provisional label in the scan.
        let tally = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { parent.deallocate(); tally.deallocate() }
        var labelCount: Int32 = 0
        var occupied = 0

        // Root of label l, halving the path on the way (parent[x] = parent[parent[x]]).
        @inline(__always) func find(_ l: Int32) -> Int32 {
            var x = Int(l)
            while true {
                let p = Int(parent[x])
                if p == x { return Int32(truncatingIfNeeded: x) }
                let g = Int(parent[p])
                parent[x] = Int32(truncatingIfNeeded: g)
                x = g
            }
        }
        // Merges the classes of labels a and b under the smaller root; returns it.
        @inline(__always) func union(_ a: Int32, _ b: Int32) -> Int32 {
            let ra = find(a), rb = find(b)
            if ra == rb { return ra }
            if ra < rb { parent[Int(rb)] = ra; return ra }
            parent[Int(ra)] = rb
            return rb
        }

        // Pass 1: rows along the last axis (stride 1). `back` holds the strides of the other axes
        // whose coordinate is > 0 in this row (their back neighbour exists).
        let rows = n / side
        let back = UnsafeMutablePointer<Int>.allocate(capacity: max(d, 1))
        let coordinate = UnsafeMutablePointer<Int>.allocate(capacity: max(d, 1))
        defer { back.deallocate(); coordinate.deallocate() }
        coordinate.initialize(repeating: 0, count: max(d, 1))
        for row in 0..<rows {
            var k = 0
            for a in 0..<(d - 1) where coordinate[a] > 0 { back[k] = lattice.strides[a]; k += 1 }
            let base = row &* side
            var left: Int32 = -1
            for x in 0..<side {
                let i = base &+ x
                if occupancy[i] == 0 {
                    out[i] = -1
                    left = -1
                    continue
                }
                var label = left
                for b in 0..<k {
                    let j = i &- back[b]
                    let lj = out[j]
                    if lj < 0 { continue }
                    if label < 0 { label = lj; continue }
                    // i − 1 and j − 1 occupied: j is already in the left neighbour's class.
                    if left >= 0 && out[j &- 1] >= 0 { continue }
                    if lj != label { label = union(label, lj) }
                }
                if label < 0 {
                    label = labelCount
                    parent[Int(label)] = label
                    tally[Int(label)] = 0
                    labelCount &+= 1
                }
                tally[Int(label)] &+= 1
                out[i] = label
                left = label
            }
            // Next row: advance the coordinates of axes d − 2, …, 0 like an odometer.
            var a = d - 2
            while a >= 0 {
                coordinate[a] += 1
                if coordinate[a] < side { break }
                coordinate[a] = 0
                a -= 1
            }
        }
        let labels = Int(labelCount)

        // Pass 2 (periodic): bonds across the boundary, with winding potentials over labels.
        if lattice.isPeriodic && labels > 0 {
            let group = WindingGroup(dimension: d, bits: windingBits)
            let potential = UnsafeMutablePointer<UInt64>.allocate(capacity: labels)
            defer { potential.deallocate() }
            potential.initialize(repeating: 0, count: labels)
            // Root of label l and l's winding relative to it; the path then points at the root.
            func find(_ l: Int) -> (root: Int, winding: UInt64) {
                var x = l, total: UInt64 = 0
                while Int(parent[x]) != x {
                    total = group.add(total, potential[x])
                    x = Int(parent[x])
                }
                let root = x
                x = l
                var remaining = total
                while x != root {
                    let next = Int(parent[x]), own = potential[x]
                    parent[x] = Int32(truncatingIfNeeded: root)
                    potential[x] = remaining
                    remaining = group.subtract(remaining, own)
                    x = next
                }
                return (root, total)
            }
            for a in 0..<d {
                let step = lattice.strides[a], span = step * side, lastRow = step * (side - 1)
                let delta = group.unit(axis: a)
                var block = 0
                while block < n {
                    for i in (block + lastRow)..<(block + span) {
                        let li = out[i], lj = out[i - lastRow]
                        if li < 0 || lj < 0 { continue }
                        // Site j = i + stride − span must have W(j) = W(i) + e_a.
                        let (ri, wi) = find(Int(li)), (rj, wj) = find(Int(lj))
                        if ri == rj {
                            let mismatch = group.subtract(group.subtract(wj, wi), delta)
                            if mismatch != 0 { wrapped |= group.nonzeroAxes(mismatch) }
                        } else if ri < rj {
                            parent[rj] = Int32(truncatingIfNeeded: ri)
                            potential[rj] = group.subtract(group.add(wi, delta), wj)
                        } else {
                            parent[ri] = Int32(truncatingIfNeeded: rj)
                            potential[ri] = group.subtract(group.subtract(wj, delta), wi)
                        }
                    }
                    block += span
                }
            }
        }

        // Pass 3: cluster numbers by flattening (parent[l] becomes l's cluster number), sizes.
        var summary = Summary()
        var clusters: Int32 = 0
        for l in 0..<labels {
            let p = Int(parent[l])
            if p == l {
                parent[l] = clusters
                clusters += 1
                summary.sizes.append(0)
            } else {
                parent[l] = parent[p]
            }
            summary.sizes[Int(parent[l])] += Int(tally[l])
            occupied += Int(tally[l])
        }
        summary.occupied = occupied
        // Open boundaries: a cluster with sites on both faces of axis 0 spans.
        if !lattice.isPeriodic && clusters > 0 {
            let face = lattice.strides[0]
            var onFirstFace = [Bool](repeating: false, count: Int(clusters))
            for i in 0..<face where out[i] >= 0 { onFirstFace[Int(parent[Int(out[i])])] = true }
            for i in (n - face)..<n where out[i] >= 0 && onFirstFace[Int(parent[Int(out[i])])] {
                summary.spanning = true
                break
            }
        }
        // Site labels: provisional → cluster number, branch-free (an empty site reads parent[0]
        // and keeps −1).
        if rewrite && labels > 0 {
            for i in 0..<n {
                let l = out[i]
                let c = parent[Int(max(l, 0))]
                out[i] = l < 0 ? -1 : c
            }
        }
        return summary
    }
}
