import Foundation
import Testing
@testable import Connectivity
import Support

/// The generic path pieces, checked on losses whose answers are known, and on a convex
/// linear-regression problem where the shortest two-piece path through a minimum is straight.
@Suite struct ParameterPathTests {
    @Test func barrierAndLengthOnKnownProfiles() {
        // 1 − ‖θ‖² from (−1, 0) to (1, 0): endpoints 0, peak 1 at t = 1/2 (a grid point for P = 61).
        let hill = ParameterPath<Double>.segment([-1, 0], [1, 0])
        let bump = hill.profile(points: 61) { 1 - ($0[0] * $0[0] + $0[1] * $0[1]) }
        #expect(bump.count == 1 && bump[0].t.count == 61)
        #expect(bump[0].barrier == 1)
        // ‖θ‖² on the same segment: a valley, barrier 0.
        #expect(hill.barrier(points: 61) { $0[0] * $0[0] + $0[1] * $0[1] } == 0)
        // Path barrier counts a high middle vertex: (0,0) → (0,2) → (1,0) under θ_1 has barrier 2.
        let peak = ParameterPath<Double>(vertices: [[0, 0], [0, 2], [1, 0]])
        #expect(peak.barrier(points: 5) { $0[1] } == 2)
        #expect(peak.profile(points: 5) { $0[1] }.map(\.barrier) == [0, 0])
        // Two-piece (0,0) → (3,4) → (6,0): length 10, distance 6.
        let bent = ParameterPath<Double>.twoPiece([0, 0], via: [3, 4], [6, 0])
        #expect(bent.length == 10 && abs(bent.lengthRatio - 10.0 / 6) <= 1e-15)
        // Float vertices give the same geometry (accumulated in Double).
        let bentF = ParameterPath<Float>.twoPiece([0, 0], via: [3, 4], [6, 0])
        #expect(abs(bentF.lengthRatio - 10.0 / 6) <= 1e-7)
        // Endpoints are passed through exactly.
        let p = ParameterPath<Float>.segment([0.1, 0.2], [0.3, 0.7]).profile(points: 3) { Double($0[1]) }
        #expect(p[0].loss == [Double(Float(0.2)), Double(Float(0.45)), Double(Float(0.7))])
    }

    /// Least squares with more unknowns than equations: the minima form an affine set, any two are
    /// joined by a zero-barrier segment, and the shortest two-piece path through a minimum (found
    /// by projected gradient over the minima set, started off the segment) has G = 1.
    @Test func linearRegressionGivesGOne() throws {
        let g = try RandomGenerator(algorithm: "mt19937", seed: 17)
        let n = 6, p = 15
        let x = (0..<(n * p)).map { _ in g.gaussian() }   // [n, p]
        let y = (0..<n).map { _ in g.gaussian() }         // [n]
        func loss(_ theta: [Double]) -> Double {
            var s = 0.0
            for i in 0..<n {
                var r = -y[i]
                for k in 0..<p { r += x[i * p + k] * theta[k] }
                s += r * r
            }
            return s / Double(n)
        }
        let xt = DenseSmall.transpose(x, n: n, p: p)                     // [p, n]
        let gram = DenseSmall.multiply(x, xt, n: n, k: p, p: n)           // [n, n]
        // Projection onto the minima set {θ : Xθ = y}: θ − Xᵀ(XXᵀ)⁻¹(Xθ − y).
        func project(_ theta: [Double]) -> [Double] {
            var r = DenseSmall.multiply(x, theta, n: n, k: p, p: 1)
            for i in 0..<n { r[i] -= y[i] }
            let s = DenseSmall.solveSPD(gram, r, n: n, p: 1)!
            let correction = DenseSmall.multiply(xt, s, n: p, k: n, p: 1)
            return (0..<p).map { theta[$0] - correction[$0] }
        }
        let a = project((0..<p).map { _ in g.gaussian() })
        let b = project((0..<p).map { _ in g.gaussian() })
        #expect(loss(a) <= 1e-24 && loss(b) <= 1e-24)
        #expect(ParameterPath.segment(a, b).barrier(points: 61, loss: loss) <= 1e-12)

        // Start from a minimum far off the segment; minimize ‖a−c‖ + ‖c−b‖ over minima c.
        var c = project((0..<p).map { 0.5 * (a[$0] + b[$0]) + 3 * g.gaussian() })
        let startRatio = ParameterPath.twoPiece(a, via: c, b).lengthRatio
        #expect(startRatio > 1.5)
        for _ in 0..<2000 {
            let da = ParameterPath<Double>.distance(a, c), db = ParameterPath<Double>.distance(c, b)
            if da < 1e-12 || db < 1e-12 { break }
            c = project((0..<p).map { c[$0] - 0.05 * ((c[$0] - a[$0]) / da + (c[$0] - b[$0]) / db) })
        }
        let path = ParameterPath.twoPiece(a, via: c, b)
        #expect(abs(path.lengthRatio - 1) <= 1e-6, "G = \(path.lengthRatio)")
        #expect(path.barrier(points: 61, loss: loss) <= 1e-12)
        #expect(path.maxLoss(points: 61, loss: loss) <= 1e-12)
        // A center off the minima set has a real barrier (the path's, relative to a and b; each
        // segment alone is convex, so its own barrier stays 0): the check can fail.
        let off = (0..<p).map { c[$0] + 0.3 * g.gaussian() }
        let offPath = ParameterPath.twoPiece(a, via: off, b)
        #expect(offPath.barrier(points: 61, loss: loss) > 1e-3)
        #expect(offPath.profile(points: 61, loss: loss).allSatisfy { $0.barrier <= 1e-12 })
    }

    @Test func gaussLegendreIsExactToDegree2nMinus1() {
        for n in 1...7 {
            let q = DenseSmall.gaussLegendre(n)
            for k in 0...(2 * n - 1) {
                let integral = zip(q.nodes, q.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(k)) }
                #expect(abs(integral - 1 / Double(k + 1)) <= 1e-13, "n=\(n) k=\(k)")
            }
            // …and not beyond: t^{2n} is off.
            let integral = zip(q.nodes, q.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(2 * n)) }
            #expect(abs(integral - 1 / Double(2 * n + 1)) > 1e-10)
        }
    }
}
