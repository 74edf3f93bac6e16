/// First-order optimizers acting on the flat parameter vector θ [P] with its gradient g [P],
/// with PyTorch's update rules (so learning rates transfer).
public protocol Optimizer: Sendable {
    /// One update of θ from g.
    mutating func step(_ theta: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count: Int)
    var learningRate: Float { get set }
}

extension Optimizer {
    /// Array convenience for ``step(_:gradient:count:)``.
    public mutating func step(_ theta: inout [Float], gradient: [Float]) {
        precondition(theta.count == gradient.count, "parameter and gradient sizes differ")
        let n = theta.count
        theta.withUnsafeMutableBufferPointer { t in
            gradient.withUnsafeBufferPointer { g in
                guard let tb = t.baseAddress, let gb = g.baseAddress else { return }
                step(tb, gradient: gb, count: n)
            }
        }
    }
}

/// Stochastic gradient descent with momentum (PyTorch `torch.optim.SGD`, dampening 0):
///   g ← g + λθ;  v ← μv + g (v = g at the first step);  θ ← θ − η·(nesterov ? g + μv : v).
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool
    var velocity: [Float] = []

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public mutating func step(_ theta: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count n: Int) {
        let lr = learningRate, mu = momentum, wd = weightDecay, nest = nesterov
        if mu == 0 {
            for i in 0..<n { theta[i] -= lr * (g[i] + wd * theta[i]) }
            return
        }
        let first = velocity.isEmpty
        if first { velocity = [Float](repeating: 0, count: n) }
        velocity.withUnsafeMutableBufferPointer { v in
            for i in 0..<n {
                let gi = g[i] + wd * theta[i]
                let vi = first ? gi : mu * v[i] + gi
                v[i] = vi
                theta[i] -= lr * (nest ? gi + mu * vi : vi)
            }
        }
    }
}

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), as `torch.optim.Adam/AdamW`:
///   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ),
///   θ ← θ − η m̂/(√v̂ + ε).
/// Weight decay λ: Adam adds λθ to g (L2); AdamW decays θ ← θ(1 − ηλ) before the step (decoupled).
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float, beta2: Float, epsilon: Float
    public var weightDecay: Float
    public var decoupled: Bool
    public private(set) var stepCount = 0
    var m: [Float] = [], v: [Float] = []

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    /// AdamW with PyTorch's default decay 0.01.
    public static func adamW(learningRate: Float = 1e-3, weightDecay: Float = 0.01) -> Adam {
        Adam(learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
    }

    public mutating func step(_ theta: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count n: Int) {
        if m.isEmpty {
            m = [Float](repeating: 0, count: n)
            v = [Float](repeating: 0, count: n)
        }
        stepCount += 1
        let t = Double(stepCount)
        let c1 = Float(1 - Double(beta1).pow(t)), c2 = Float((1 - Double(beta2).pow(t)).squareRoot())
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay, dec = decoupled
        let stepSize = lr / c1
        m.withUnsafeMutableBufferPointer { mm in
            v.withUnsafeMutableBufferPointer { vv in
                for i in 0..<n {
                    var gi = g[i]
                    if wd != 0 {
                        if dec { theta[i] *= 1 - lr * wd } else { gi += wd * theta[i] }
                    }
                    let mi = b1 * mm[i] + (1 - b1) * gi
                    let vi = b2 * vv[i] + (1 - b2) * gi * gi
                    mm[i] = mi
                    vv[i] = vi
                    theta[i] -= stepSize * mi / (vi.squareRoot() / c2 + eps)
                }
            }
        }
    }
}

extension Double {
    @inline(__always) fileprivate func pow(_ e: Double) -> Double { Foundation_pow(self, e) }
}
