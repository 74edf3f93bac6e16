import Testing
@testable import NetworkCore
import Support

/// The vectorized loops of the training step (``Elementwise``, the optimizers) against the scalar
/// loops they replaced, written out here: the bits must agree exactly, at 1 and 2 threads, for
/// lengths that leave a scalar tail and span several optimizer pieces (2¹⁶ elements each).
@Suite(.serialized) struct ElementwiseBitIdentityTests {
    /// Gaussian values with exact zeros, negative zeros and a few large ones mixed in.
    static func values(_ n: Int, seed: UInt64, scale: Double = 1) -> [Float] {
        let rng = try! RandomGenerator(seed: seed)
        return (0..<n).map { i in
            switch i % 97 {
            case 3: 0
            case 5: -0.0
            case 7: Float(rng.gaussian() * 1e3)
            default: Float(rng.gaussian() * scale)
            }
        }
    }

    static func bits(_ v: [Float]) -> [UInt32] { v.map(\.bitPattern) }

    // Scalar reference loops (the code before vectorization).
    static func sgdReference(_ theta: inout [Float], _ g: [Float], _ velocity: inout [Float],
                             lr: Float, mu: Float, wd: Float, nest: Bool) {
        let n = theta.count
        if mu == 0 {
            for i in 0..<n { theta[i] -= lr * (g[i] + wd * theta[i]) }
            return
        }
        let first = velocity.isEmpty
        if first { velocity = [Float](repeating: 0, count: n) }
        for i in 0..<n {
            let gi = g[i] + wd * theta[i]
            let vi = first ? gi : mu * velocity[i] + gi
            velocity[i] = vi
            theta[i] -= lr * (nest ? gi + mu * vi : vi)
        }
    }

    static func adamReference(_ theta: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], step: Int,
                              lr: Float, wd: Float, dec: Bool, b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8) {
        let n = theta.count
        if m.isEmpty { m = [Float](repeating: 0, count: n); v = m }
        let t = Double(step)
        let c1 = Float(1 - Foundation_pow(Double(b1), t)), c2 = Float((1 - Foundation_pow(Double(b2), t)).squareRoot())
        let stepSize = lr / c1
        for i in 0..<n {
            var gi = g[i]
            if wd != 0 {
                if dec { theta[i] *= 1 - lr * wd } else { gi += wd * theta[i] }
            }
            let mi = b1 * m[i] + (1 - b1) * gi
            let vi = b2 * v[i] + (1 - b2) * gi * gi
            m[i] = mi
            v[i] = vi
            theta[i] -= stepSize * mi / (vi.squareRoot() / c2 + eps)
        }
    }

    @Test(arguments: [1, 2])
    func optimizersMatchTheScalarLoopsBitForBit(threads: Int) {
        BLAS.setThreads(threads)
        defer { BLAS.setThreads(1) }
        let n = 3 * Elementwise.pieceLength + 13            // four pieces, a scalar tail of 5
        let start = Self.values(n, seed: 1, scale: 0.1)
        let gradients = (0..<3).map { Self.values(n, seed: 10 + UInt64($0)) }
        for (mu, wd, nest) in [(Float(0), Float(0), false), (0, 1e-2, false), (0.9, 0, false), (0.9, 5e-4, true)] {
            var ours = start, reference = start, velocity: [Float] = []
            var sgd = SGD(learningRate: 0.05, momentum: mu, weightDecay: wd, nesterov: nest)
            for g in gradients {
                sgd.step(&ours, gradient: g)
                Self.sgdReference(&reference, g, &velocity, lr: 0.05, mu: mu, wd: wd, nest: nest)
            }
            #expect(Self.bits(ours) == Self.bits(reference), "SGD μ=\(mu) λ=\(wd) nesterov=\(nest)")
            #expect(ours != start)
        }
        for (wd, dec) in [(Float(0), false), (1e-2, false), (1e-2, true)] {
            var ours = start, reference = start, m: [Float] = [], v: [Float] = []
            var adam = Adam(learningRate: 1e-3, weightDecay: wd, decoupled: dec)
            for (s, g) in gradients.enumerated() {
                adam.step(&ours, gradient: g)
                Self.adamReference(&reference, g, &m, &v, step: s + 1, lr: 1e-3, wd: wd, dec: dec)
            }
            #expect(Self.bits(ours) == Self.bits(reference), "Adam λ=\(wd) decoupled=\(dec)")
            #expect(ours != start)
        }
    }

    @Test func reluAndBiasSumMatchTheScalarLoopsBitForBit() {
        let n = 1000 + 3                                     // a scalar tail of 3
        var x = Self.values(n, seed: 2)
        x[1] = .nan
        x[2] = -.infinity
        let dy = Self.values(n, seed: 3)
        var y = [Float](repeating: 7, count: n), dx = y
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { Elementwise.relu(xp.baseAddress!, $0.baseAddress!, count: n) } }
        let yReference = x.map { $0 > 0 ? $0 : 0 }
        #expect(Self.bits(y) == Self.bits(yReference))
        #expect(y[1] == 0 && y[2] == 0 && y[5].sign == .plus)  // NaN, −∞ and −0 give +0
        y.withUnsafeBufferPointer { yp in dy.withUnsafeBufferPointer { dyp in dx.withUnsafeMutableBufferPointer {
            Elementwise.reluBackward(yp.baseAddress!, dyp.baseAddress!, $0.baseAddress!, count: n)
        } } }
        #expect(Self.bits(dx) == Self.bits(zip(y, dy).map { $0 > 0 ? $1 : 0 }))
        // Column sums of [rows, cols], rows added in order (the bias gradient of Linear).
        let rows = 37, cols = 27
        let m = Self.values(rows * cols, seed: 4)
        var acc = [Float](repeating: 0, count: cols), reference = acc
        m.withUnsafeBufferPointer { mp in acc.withUnsafeMutableBufferPointer { a in
            for r in 0..<rows { Elementwise.add(mp.baseAddress! + r * cols, into: a.baseAddress!, count: cols) }
        } }
        for r in 0..<rows { for c in 0..<cols { reference[c] += m[r * cols + c] } }
        #expect(Self.bits(acc) == Self.bits(reference))
    }
}
