import Foundation

/// Adam (Kingma & Ba 2015, Algorithm 1) on one input vector, in Double, with PyTorch's
/// `torch.optim.Adam` conventions so the input-space protocols match the released code:
///
///     g ← g + wd·x                      (L2 "weight decay" added to the gradient, not AdamW)
///     m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
///     step = −lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
///
/// ``step(gradient:at:)`` returns the step instead of applying it, so a caller can project it
/// (the barrier bypass keeps the whole move on a hyperplane) before adding it to x.
public struct InputAdam: Sendable {
    public let learningRate: Double
    public let weightDecay: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// [n] first and second moment estimates.
    private var m: [Double]
    private var v: [Double]
    public private(set) var t = 0

    public init(count: Int, learningRate: Double, weightDecay: Double = 0,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        m = [Double](repeating: 0, count: count)
        v = [Double](repeating: 0, count: count)
    }

    /// The Adam step (to be added to x) for `gradient` [n] at the current point `x` [n].
    public mutating func step(gradient: [Double], at x: [Double]) -> [Double] {
        t += 1
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        var out = [Double](repeating: 0, count: gradient.count)
        for i in gradient.indices {
            let g = gradient[i] + weightDecay * x[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            out[i] = -learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
        return out
    }
}
