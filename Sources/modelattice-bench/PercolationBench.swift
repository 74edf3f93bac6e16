import Foundation
import Percolation
import Support

// Benchmark group "percolation": the Newman–Ziff sweep (ns per added site, every observable and
// the streaming binomial convolution on) and cluster labeling (ms for a 128^3 mask at p = 0.3116,
// cluster sizes included), each beside a plain baseline written straightforwardly below.

enum PercolationBench {
    static func run() throws {
        print("percolation (1 thread; median of timed runs)")
        for (d, side) in [(2, 1024), (3, 128)] {
            let lattice = try HypercubicLattice(dimension: d, side: side, boundary: .periodic)
            let probabilities = try NewmanZiffSweep.probabilities(points: 41, pmin: 0.2, pmax: 0.8)
            let sweep = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: probabilities, seed: 1)
            var trial = 0
            let ours = try Bench.median(runs: 5) { _ = try sweep.canonicalTrial(trial); trial += 1 }
            var baselineTrial = 100
            var check = 0
            let plain = try Bench.median(runs: 5) {
                check &+= try PlainSweep.run(lattice: lattice, seed: UInt64(baselineTrial)); baselineTrial += 1
            }
            let n = Double(lattice.siteCount)
            Bench.report("sweep \(d)D L=\(side) periodic site (ns/site)", value: ours / n * 1e9,
                         baseline: plain / n * 1e9, unit: "ns")
            _ = check
        }
        let lattice = try HypercubicLattice(dimension: 3, side: 128, boundary: .periodic)
        let mask = try IIDMask.generate(lattice: lattice, p: 0.3116, rng: RandomGenerator(seed: 7))
        var largest = 0
        let ours = try Bench.median(runs: 7) {
            largest = try ClusterLabeling.label(occupied: mask, lattice: lattice).largest
        }
        var bfsLargest = 0
        let bfs = Bench.median(runs: 7) { bfsLargest = FloodFill.largest(mask, lattice: lattice) }
        Bench.report("label 128^3 p=0.3116 periodic + sizes (ms)", value: ours * 1e3, baseline: bfs * 1e3, unit: "ms")
        if largest != bfsLargest { print("  MISMATCH: largest \(largest) vs flood fill \(bfsLargest)") }
        let open = try HypercubicLattice(dimension: 3, side: 128, boundary: .open)
        let oursOpen = try Bench.median(runs: 7) { _ = try ClusterLabeling.label(occupied: mask, lattice: open) }
        Bench.report("label 128^3 p=0.3116 open + sizes (ms)", value: oursOpen * 1e3, baseline: bfs * 1e3, unit: "ms")
        print(String(format: "  union-find state: %d bytes/site (2D L=1024), %d bytes/site (3D L=128); order array 4 bytes/site",
                     try HypercubicLattice(dimension: 2, side: 1024, boundary: .periodic).unionFindBytesPerSite,
                     lattice.unionFindBytesPerSite))
    }
}

/// The plain Newman–Ziff program, as one would write it in C: an Int32 parent array with −size at
/// roots, iterative find with full path compression, coordinates by division, an Int32
/// displacement-to-parent per site and axis (Machta) for wrapping; no prefetching, no packing, no
/// convolution. Returns a checksum of the final state (kept live).
enum PlainSweep {
    static func run(lattice: HypercubicLattice, seed: UInt64) throws -> Int {
        let n = lattice.siteCount, d = lattice.dimension, side = lattice.side
        let rng = try RandomGenerator(seed: seed)
        let order = rng.permutation(n)
        let empty = Int32.min
        let parent = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        parent.initialize(repeating: empty, count: n)
        let displacement = UnsafeMutablePointer<Int32>.allocate(capacity: n * d)   // [n][d]
        displacement.initialize(repeating: 0, count: n * d)
        let strides = UnsafeMutablePointer<Int>.allocate(capacity: d)
        for a in 0..<d { strides[a] = lattice.strides[a] }
        defer { parent.deallocate(); displacement.deallocate(); strides.deallocate() }
        var largest = 0, sumSquares = 0, clusters = 0, wrapped = false

        let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: d)   // displacement of i to its root
        defer { scratch.deallocate() }
        func find(_ i: Int) -> Int {
            var root = i
            for a in 0..<d { scratch[a] = 0 }
            while parent[root] >= 0 {
                for a in 0..<d { scratch[a] += displacement[root * d + a] }
                root = Int(parent[root])
            }
            var x = i
            while x != root && Int(parent[x]) != root {
                let p = Int(parent[x])
                for a in 0..<d {
                    let old = displacement[x * d + a]
                    displacement[x * d + a] = scratch[a]
                    scratch[a] -= old
                }
                parent[x] = Int32(root)
                x = p
            }
            return root
        }

        for t in 0..<n {
            let i = Int(order[t])
            parent[i] = -1
            clusters += 1; sumSquares += 1; if largest == 0 { largest = 1 }
            for a in 0..<d {
                let c = (i / strides[a]) % side
                for s in 0..<2 {
                    let step = s == 0 ? 1 : -1
                    var j = i + step * strides[a]
                    if c + step == side { j -= side * strides[a] } else if c + step < 0 { j += side * strides[a] }
                    if parent[j] == empty { continue }
                    let ri = find(i), rj = find(j)
                    if ri == rj {
                        for b in 0..<d {
                            let expected = displacement[i * d + b] + (b == a ? Int32(step) : 0)
                            if expected != displacement[j * d + b] { wrapped = true }
                        }
                        continue
                    }
                    let si = Int(-parent[ri]), sj = Int(-parent[rj])
                    if si < sj {
                        parent[rj] -= Int32(si); parent[ri] = Int32(rj)
                        for b in 0..<d {
                            displacement[ri * d + b] = displacement[j * d + b] - displacement[i * d + b] - (b == a ? Int32(step) : 0)
                        }
                    } else {
                        parent[ri] -= Int32(sj); parent[rj] = Int32(ri)
                        for b in 0..<d {
                            displacement[rj * d + b] = displacement[i * d + b] - displacement[j * d + b] + (b == a ? Int32(step) : 0)
                        }
                    }
                    clusters -= 1; sumSquares += 2 * si * sj; largest = max(largest, si + sj)
                }
            }
        }
        return largest &+ (wrapped ? 1 : 0) &+ clusters &+ sumSquares
    }
}

/// Breadth-first flood fill labeling with periodic neighbours, cluster sizes included.
enum FloodFill {
    static func largest(_ mask: [UInt8], lattice: HypercubicLattice) -> Int {
        let n = lattice.siteCount
        var label = [Int32](repeating: -1, count: n)
        var queue = [Int](repeating: 0, count: n)
        var sizes: [Int] = []
        for start in 0..<n where mask[start] != 0 && label[start] < 0 {
            let id = Int32(sizes.count)
            label[start] = id
            var head = 0, tail = 1
            queue[0] = start
            while head < tail {
                let i = queue[head]; head += 1
                for a in 0..<lattice.dimension {
                    for step in [1, -1] {
                        guard let (j, _) = lattice.neighbour(of: i, axis: a, step: step) else { continue }
                        if mask[j] != 0 && label[j] < 0 { label[j] = id; queue[tail] = j; tail += 1 }
                    }
                }
            }
            sizes.append(tail)
        }
        return sizes.max() ?? 0
    }
}
