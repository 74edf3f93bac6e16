import Foundation
import Testing
@testable import Percolation
import Support

/// Invasion growth checked against a slow, obviously-correct reference: coordinates as [Int],
/// a Dictionary of examined sites, and a linear scan for the perimeter minimum. Both draw weights
/// from the same GSL stream in the same examination order (axis 0 down, axis 0 up, axis 1 down, …),
/// so their counts must agree exactly.
@Suite struct ThresholdGrowthTests {
    /// Reference site invasion: returns (accepted, examined) at each checkpoint.
    static func referenceSite(d: Int, checkpoints: [Int], seed: UInt64) throws -> [GrowthCheckpoint] {
        let rng = try RandomGenerator(algorithm: "mt19937", seed: seed)
        var seen: Set<[Int]> = []
        var perimeter: [([Int], UInt32)] = []
        var examined = 0, accepted = 0
        var out: [GrowthCheckpoint] = []
        func invade(_ x: [Int]) {
            for axis in 0..<d {
                for delta in [-1, 1] {
                    var y = x
                    y[axis] += delta
                    if seen.insert(y).inserted {
                        examined += 1
                        perimeter.append((y, UInt32(truncatingIfNeeded: rng.next())))
                    }
                }
            }
        }
        let origin = [Int](repeating: 0, count: d)
        seen.insert(origin)
        invade(origin)
        while accepted < checkpoints.last! {
            var best = 0
            for i in perimeter.indices where perimeter[i].1 < perimeter[best].1 { best = i }
            let (x, _) = perimeter.remove(at: best)
            accepted += 1
            invade(x)
            if checkpoints.contains(accepted) { out.append(GrowthCheckpoint(accepted: accepted, examined: examined)) }
        }
        return out
    }

    /// Reference bond invasion: bonds named by (lower endpoint, axis); sites joined on invasion.
    static func referenceBond(d: Int, checkpoints: [Int], seed: UInt64) throws -> [GrowthCheckpoint] {
        let rng = try RandomGenerator(algorithm: "mt19937", seed: seed)
        var cluster: Set<[Int]> = []
        var examinedBonds: Set<[Int]> = []   // lower endpoint + [axis]
        var perimeter: [([Int], UInt32)] = [] // far endpoint, weight
        var examined = 0, accepted = 0
        var out: [GrowthCheckpoint] = []
        func join(_ x: [Int]) {
            cluster.insert(x)
            for axis in 0..<d {
                for delta in [-1, 1] {
                    var y = x
                    y[axis] += delta
                    let bond = (delta > 0 ? x : y) + [axis]
                    if examinedBonds.insert(bond).inserted {
                        examined += 1
                        perimeter.append((y, UInt32(truncatingIfNeeded: rng.next())))
                    }
                }
            }
        }
        join([Int](repeating: 0, count: d))
        while accepted < checkpoints.last! {
            var best = 0
            for i in perimeter.indices where perimeter[i].1 < perimeter[best].1 { best = i }
            let (y, _) = perimeter.remove(at: best)
            accepted += 1
            if !cluster.contains(y) { join(y) }
            if checkpoints.contains(accepted) { out.append(GrowthCheckpoint(accepted: accepted, examined: examined)) }
        }
        return out
    }

    @Test(arguments: [2, 3, 5, 13])
    func siteGrowthMatchesReference(d: Int) throws {
        let checkpoints = [50, 200, 600]
        for seed: UInt64 in [1, 2, 3] {
            let fast = try InvasionGrowth.grow(geometry: KeyGeometry(dimension: d), kind: .site, checkpoints: checkpoints,
                                               cutoff: .max, seed: seed, algorithm: "mt19937")
            #expect(fast.checkpoints == (try Self.referenceSite(d: d, checkpoints: checkpoints, seed: seed)))
        }
    }

    @Test(arguments: [2, 3, 6, 20])
    func bondGrowthMatchesReference(d: Int) throws {
        let checkpoints = [50, 200, 600]
        for seed: UInt64 in [1, 2, 3] {
            let fast = try InvasionGrowth.grow(geometry: KeyGeometry(dimension: d), kind: .bond, checkpoints: checkpoints,
                                               cutoff: .max, seed: seed, algorithm: "mt19937")
            #expect(fast.checkpoints == (try Self.referenceBond(d: d, checkpoints: checkpoints, seed: seed)))
        }
    }

    /// The heap cutoff never changes the growth: a cutoff so low that the heap runs dry forces a
    /// regrowth, whose result must equal the plain growth's.
    @Test func cutoffKeepsGrowthExact() throws {
        for kind in ThresholdKind.allCases {
            let g = KeyGeometry(dimension: 4)
            let plain = try InvasionGrowth.grow(geometry: g, kind: kind, checkpoints: [1000, 4000], cutoff: .max, seed: 7, algorithm: "mt19937")
            let low = try InvasionGrowth.grow(geometry: g, kind: kind, checkpoints: [1000, 4000], cutoff: 1 << 26, seed: 7, algorithm: "mt19937")
            let usual = try InvasionGrowth.grow(geometry: g, kind: kind, checkpoints: [1000, 4000], cutoff: UInt32(0.45 * 4294967296.0), seed: 7, algorithm: "mt19937")
            #expect(low.regrown)
            #expect(!plain.regrown)
            #expect(low.checkpoints == plain.checkpoints)
            #expect(usual.checkpoints == plain.checkpoints)
        }
    }

    /// Packed keys: exact coordinates, ±1 steps invert, and the box edge is reported, not wrapped.
    @Test(arguments: [2, 5, 9, 13, 16])
    func packedKeysAreExact(d: Int) throws {
        let g = KeyGeometry(dimension: d)
        #expect(g.isExact)
        #expect(g.coordinates(g.origin) == [Int](repeating: 0, count: d))
        var key = g.origin
        var expected = [Int](repeating: 0, count: d)
        for step in 0..<40 {
            let axis = (step * 7) % d, up = step % 3 != 0
            key = try #require(g.neighbour(key, axis: axis, up: up))
            expected[axis] += up ? 1 : -1
            #expect(g.coordinates(key) == expected)
        }
        // Walk to the edge of axis d−1 and check the overflow is detected (fields ≤ 21 bits: short walks).
        guard g.fieldBits <= 21 else { return }
        var edge = g.origin, steps = 0
        while let next = g.neighbour(edge, axis: d - 1, up: true) { edge = next; steps += 1 }
        #expect(steps == (1 << (g.fieldBits - 1)) - 1)
        #expect(edge != .empty)
    }

    /// All keys of the ball of radius 2 are distinct, for packed and hashed encodings: the number of
    /// distinct keys equals the number of lattice points 1 + 2d + 2d + 4·C(d,2) = 1 + 4d + 2d(d−1).
    @Test(arguments: [3, 13, 20, 64])
    func ballKeysAreDistinct(d: Int) throws {
        let g = KeyGeometry(dimension: d)
        var ball: Set<LatticeKey> = [g.origin]
        var frontier = [g.origin]
        for _ in 0..<2 {
            var next: [LatticeKey] = []
            for k in frontier {
                for axis in 0..<d {
                    for up in [false, true] {
                        let n = try #require(g.neighbour(k, axis: axis, up: up))
                        #expect(n != .empty)
                        if ball.insert(n).inserted { next.append(n) }
                    }
                }
            }
            frontier = next
        }
        #expect(ball.count == 1 + 4 * d + 2 * d * (d - 1))
    }
}
