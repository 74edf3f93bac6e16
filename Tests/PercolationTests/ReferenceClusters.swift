import Percolation

/// An independent, obviously-correct reference for the cluster observables: breadth-first flood
/// fill over an explicit edge list, giving each visited site an unwrapped position; a non-tree
/// edge whose ends disagree with that embedding closes a loop around the torus (wrapping along the
/// axes where they differ). Slow and simple on purpose; shares no code with the package.
struct ReferenceClusters {
    var labels: [Int]          // cluster id per site, −1 when empty; ids in order of first site
    var sizes: [Int]           // per cluster id
    var wrapping: [Bool]       // per axis
    var spanning: Bool

    /// Every lattice edge as (site, neighbour, axis, step), computed from coordinates; edge k of
    /// site i along axis a is the bond the package numbers i·d + a.
    static func edges(_ lattice: HypercubicLattice) -> [(Int, Int, Int, Int)] {
        var out: [(Int, Int, Int, Int)] = []
        for i in 0..<lattice.siteCount {
            var c = [Int](repeating: 0, count: lattice.dimension)
            var rest = i
            for a in stride(from: lattice.dimension - 1, through: 0, by: -1) { c[a] = rest % lattice.side; rest /= lattice.side }
            for a in 0..<lattice.dimension {
                if c[a] + 1 < lattice.side || lattice.isPeriodic {
                    var e = c
                    e[a] = (c[a] + 1) % lattice.side
                    var j = 0
                    for b in 0..<lattice.dimension { j = j * lattice.side + e[b] }
                    out.append((i, j, a, 1))
                }
            }
        }
        return out
    }

    /// Site percolation: `occupied` sites, all edges between them.
    init(site occupied: [Bool], lattice: HypercubicLattice) {
        let edges = ReferenceClusters.edges(lattice).filter { occupied[$0.0] && occupied[$0.1] }
        self.init(present: occupied, edges: edges, lattice: lattice)
    }

    /// Bond percolation: all sites present, the edges of `edges(lattice)` flagged in `bonds`.
    init(bonds: [Bool], lattice: HypercubicLattice) {
        let all = ReferenceClusters.edges(lattice)
        let edges = all.indices.filter { bonds[$0] }.map { all[$0] }
        self.init(present: Array(repeating: true, count: lattice.siteCount), edges: edges, lattice: lattice)
    }

    init(present: [Bool], edges: [(Int, Int, Int, Int)], lattice: HypercubicLattice) {
        let n = lattice.siteCount, d = lattice.dimension
        var adjacency = [[(Int, Int, Int)]](repeating: [], count: n)
        for (i, j, a, s) in edges {
            adjacency[i].append((j, a, s))
            adjacency[j].append((i, a, -s))
        }
        labels = Array(repeating: -1, count: n)
        sizes = []
        wrapping = Array(repeating: false, count: d)
        spanning = false
        var position = [[Int]](repeating: [], count: n)
        for start in 0..<n where present[start] && labels[start] < 0 {
            let id = sizes.count
            labels[start] = id
            position[start] = [Int](repeating: 0, count: d)
            var queue = [start]
            var head = 0
            var low = false, high = false
            while head < queue.count {
                let i = queue[head]; head += 1
                let c0 = i / lattice.strides[0]
                if c0 == 0 { low = true }
                if c0 == lattice.side - 1 { high = true }
                for (j, a, s) in adjacency[i] {
                    var expected = position[i]
                    expected[a] += s
                    if labels[j] < 0 {
                        labels[j] = id
                        position[j] = expected
                        queue.append(j)
                    } else {
                        for b in 0..<d where expected[b] != position[j][b] { wrapping[b] = true }
                    }
                }
            }
            sizes.append(queue.count)
            if low && high && !lattice.isPeriodic { spanning = true }
        }
        if !lattice.isPeriodic { wrapping = Array(repeating: false, count: d) }
    }

    var occupied: Int { sizes.reduce(0, +) }
    var largest: Int { sizes.max() ?? 0 }
    var secondLargest: Int { sizes.count < 2 ? 0 : sizes.sorted(by: >)[1] }
    var sumSquares: Int { sizes.reduce(0) { $0 + $1 * $1 } }

    /// The sweep's observables for this configuration: largest/N, (Σs² − S²max)/N, clusters/N,
    /// wrapping any, spanning, pair connectivity among occupied sites, wrapping per axis (periodic).
    func observables(sites n: Int, periodic: Bool) -> [Double] {
        let occ = occupied
        var out = [Double(largest) / Double(n), Double(sumSquares - largest * largest) / Double(n),
                   Double(sizes.count) / Double(n), wrapping.contains(true) ? 1 : 0, spanning ? 1 : 0,
                   occ < 2 ? 0 : Double(sumSquares - occ) / Double(occ * (occ - 1))]
        if periodic { out += wrapping.map { $0 ? 1 : 0 } }
        return out
    }
}
