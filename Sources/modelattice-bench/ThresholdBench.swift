import Foundation
import Percolation
import Support

/// Invasion-percolation growth (hashed packed keys, open-addressing set, UInt64 heap with cutoff)
/// against a plain baseline in the same process: Swift `Set<[Int]>` of coordinate arrays and a
/// heap of (weight, coordinates), the textbook way. Figure: nanoseconds per examined site.
enum ThresholdBench {
    static func run() throws {
        for (d, n, cutoffP) in [(13, 1 << 15, 0.178), (3, 1 << 16, 0.51)] {
            let g = KeyGeometry(dimension: d)
            var examined = 0
            let cutoff = UInt32(cutoffP * 4294967296.0)
            let ours = try Bench.median(runs: 3) {
                let r = try InvasionGrowth.grow(geometry: g, kind: .site, checkpoints: [n], cutoff: cutoff, seed: 9, algorithm: "mt19937")
                examined = r.checkpoints[0].examined
            }
            var baseExamined = 0
            let base = try Bench.median(runs: 3) { baseExamined = try baseline(d: d, n: n, seed: 9) }
            if baseExamined != examined {  // only possible through a tie of two 32-bit weights
                print("note: baseline examined \(baseExamined) sites, growth \(examined) (weight tie broken differently)")
            }
            Bench.report("invasion site growth d=\(d) N=\(n) (ns/examined)", value: ours * 1e9 / Double(examined),
                         baseline: base * 1e9 / Double(baseExamined), unit: "ns")
            let bonds = try Bench.median(runs: 3) {
                let r = try InvasionGrowth.grow(geometry: g, kind: .bond, checkpoints: [n], cutoff: cutoff, seed: 9, algorithm: "mt19937")
                examined = r.checkpoints[0].examined
            }
            print(String(format: "invasion bond growth d=%d N=%d: %.1f ns/examined bond", d, n, bonds * 1e9 / Double(examined)))
        }
    }

    /// Textbook invasion percolation; returns the number of examined sites.
    static func baseline(d: Int, n: Int, seed: UInt64) throws -> Int {
        let rng = try RandomGenerator(algorithm: "mt19937", seed: seed)
        var seen: Set<[Int]> = []
        var heap: [(UInt32, [Int])] = []
        func push(_ e: (UInt32, [Int])) {
            heap.append(e)
            var i = heap.count - 1
            while i > 0, heap[(i - 1) / 2].0 > heap[i].0 { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
        }
        func pop() -> [Int] {
            let top = heap[0].1
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            var i = 0
            while true {
                var c = 2 * i + 1
                if c >= heap.count { break }
                if c + 1 < heap.count && heap[c + 1].0 < heap[c].0 { c += 1 }
                if heap[i].0 <= heap[c].0 { break }
                heap.swapAt(i, c)
                i = c
            }
            return top
        }
        var examined = 0
        func invade(_ x: [Int]) {
            for axis in 0..<d {
                for delta in [-1, 1] {
                    var y = x
                    y[axis] += delta
                    if seen.insert(y).inserted {
                        examined += 1
                        push((UInt32(truncatingIfNeeded: rng.next()), y))
                    }
                }
            }
        }
        let origin = [Int](repeating: 0, count: d)
        seen.insert(origin)
        invade(origin)
        for _ in 0..<n { invade(pop()) }
        return examined
    }
}
