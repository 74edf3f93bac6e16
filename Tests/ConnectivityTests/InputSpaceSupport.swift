import Foundation
@testable import Connectivity
import Support

/// A two-layer ReLU network z = W₂ relu(W₁x + b₁) + b₂ computed in Double: the test conformer of
/// ``InputClassifier`` with a non-convex loss along lines, and a Double reference forward pass for
/// finite-difference checks of its hand-written input gradient
///     ∂CE/∂x = W₁ᵀ [(W₂ᵀ(softmax(z) − e_c)) ⊙ 1(W₁x + b₁ > 0)].
struct TinyReLUNetwork: InputClassifier {
    let inputShape: [Int]
    let classCount: Int
    let hidden: Int
    let w1: [Double]   // [hidden, n]
    let b1: [Double]   // [hidden]
    let w2: [Double]   // [k, hidden]
    let b2: [Double]   // [k]

    init(inputShape: [Int], hidden: Int, classCount: Int, w1: [Double], b1: [Double], w2: [Double], b2: [Double]) {
        self.inputShape = inputShape
        self.hidden = hidden
        self.classCount = classCount
        self.w1 = w1; self.b1 = b1; self.w2 = w2; self.b2 = b2
    }

    /// He-style Gaussian weights from a GSL generator.
    static func random(inputs n: Int, hidden: Int, classes k: Int, seed: UInt64, shape: [Int]? = nil) throws -> TinyReLUNetwork {
        let rng = try RandomGenerator(seed: seed)
        let s1 = (2.0 / Double(n)).squareRoot(), s2 = (2.0 / Double(hidden)).squareRoot()
        return TinyReLUNetwork(
            inputShape: shape ?? [n], hidden: hidden, classCount: k,
            w1: (0..<(hidden * n)).map { _ in rng.gaussian(sigma: s1) },
            b1: (0..<hidden).map { _ in rng.gaussian(sigma: 0.1) },
            w2: (0..<(k * hidden)).map { _ in rng.gaussian(sigma: s2) },
            b2: (0..<k).map { _ in rng.gaussian(sigma: 0.1) })
    }

    func forward(_ x: ArraySlice<Double>) -> (pre: [Double], z: [Double]) {
        let n = inputSize
        let base = x.startIndex
        var pre = b1
        for h in 0..<hidden { for j in 0..<n { pre[h] += w1[h * n + j] * x[base + j] } }
        var z = b2
        for c in 0..<classCount { for h in 0..<hidden { z[c] += w2[c * hidden + h] * max(pre[h], 0) } }
        return (pre, z)
    }

    /// CE in Double for one input (the finite-difference reference).
    func loss(_ x: [Double], target: Int) -> Double {
        let z = forward(x[...]).z
        let m = z.max()!
        return m + log(z.reduce(0) { $0 + exp($1 - m) }) - z[target]
    }

    func logits(_ inputs: [Float], count: Int) throws -> [Float] {
        let x = inputs.map(Double.init), n = inputSize
        return (0..<count).flatMap { i in forward(x[(i * n)..<((i + 1) * n)]).z.map { Float($0) } }
    }

    func crossEntropyWithInputGradient(_ inputs: [Float], targets: [Int]) throws -> (losses: [Float], gradients: [Float]) {
        let x = inputs.map(Double.init), n = inputSize
        var losses: [Float] = [], grads: [Float] = []
        for (i, t) in targets.enumerated() {
            let (pre, z) = forward(x[(i * n)..<((i + 1) * n)])
            let m = z.max()!
            let e = z.map { exp($0 - m) }, s = e.reduce(0, +)
            losses.append(Float(m + log(s) - z[t]))
            let dz = (0..<classCount).map { e[$0] / s - ($0 == t ? 1 : 0) }
            var dh = [Double](repeating: 0, count: hidden)
            for h in 0..<hidden where pre[h] > 0 {
                for c in 0..<classCount { dh[h] += w2[c * hidden + h] * dz[c] }
            }
            var dx = [Double](repeating: 0, count: n)
            for h in 0..<hidden where dh[h] != 0 { for j in 0..<n { dx[j] += w1[h * n + j] * dh[h] } }
            grads += dx.map { Float($0) }
        }
        return (losses, grads)
    }
}

/// A hand-built 2-input network with a known barrier between A = (−2, 0) and C = (2, 0) for class 0:
///     z₀ = 3·(relu(x₁) + relu(−x₁) + relu(x₂ + 0.5)),  z₁ = 2 + 0·x,
/// so CE₀ is low at both ends (z₀ = 7.5), high at the midpoint (z₀ = 1.5), and falls again by moving
/// along +x₂, the direction orthogonal to C − A.
func valleyNetwork() -> TinyReLUNetwork {
    TinyReLUNetwork(inputShape: [2], hidden: 3, classCount: 2,
                    w1: [1, 0, -1, 0, 0, 1], b1: [0, 0, 0.5],
                    w2: [3, 3, 3, 0, 0, 0], b2: [0, 2])
}

/// The valley network with a ceiling: z₀ = 3·(relu(x₁) + relu(−x₁) + relu(x₂ + 0.5) − 2·relu(x₂ − 1)),
/// z₁ = 2. Moving the barrier point (0, 0) of A = (−2, 0) → C = (2, 0) up along +x₂ lowers CE₀
/// until x₂ = 1 (z₀ = 4.5); above x₂ = 2.5 z₀ falls below its value on the straight path, so an
/// optimizer that overshoots far along +x₂ bends the path over a higher barrier than the straight one.
func overshootNetwork() -> TinyReLUNetwork {
    TinyReLUNetwork(inputShape: [2], hidden: 4, classCount: 2,
                    w1: [1, 0, -1, 0, 0, 1, 0, 1], b1: [0, 0, 0.5, -1],
                    w2: [3, 3, 3, -6, 0, 0, 0, 0], b2: [0, 2])
}
