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
        // Eight lanes at a time (``Elementwise``): each lane does the scalar operations below in
        // the same order, so the bits are those of the scalar loop.
        typealias V = Elementwise.V
        let w = Elementwise.width
        let lr = learningRate, mu = momentum, wd = weightDecay, nest = nesterov
        let lrV = V(repeating: lr), muV = V(repeating: mu), wdV = V(repeating: wd)
        if mu == 0 {
            Elementwise.pieces(n) { range in
                var i = range.lowerBound
                while i + w <= range.upperBound {
                    let t = Elementwise.load(theta + i)
                    Elementwise.store(t - lrV * (Elementwise.load(g + i) + wdV * t), theta + i)
                    i += w
                }
                while i < range.upperBound { theta[i] -= lr * (g[i] + wd * theta[i]); i += 1 }
            }
            return
        }
        let first = velocity.isEmpty
        if first { velocity = [Float](repeating: 0, count: n) }
        velocity.withUnsafeMutableBufferPointer { vb in
            let v = vb.baseAddress!
            Elementwise.pieces(n) { range in
                var i = range.lowerBound
                while i + w <= range.upperBound {
                    let t = Elementwise.load(theta + i)
                    let gi = Elementwise.load(g + i) + wdV * t
                    let vi = first ? gi : muV * Elementwise.load(v + i) + gi
                    Elementwise.store(vi, v + i)
                    Elementwise.store(t - lrV * (nest ? gi + muV * vi : vi), theta + i)
                    i += w
                }
                while i < range.upperBound {
                    let gi = g[i] + wd * theta[i]
                    let vi = first ? gi : mu * v[i] + gi
                    v[i] = vi
                    theta[i] -= lr * (nest ? gi + mu * vi : vi)
                    i += 1
                }
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
        // Eight lanes at a time (``Elementwise``), each doing the scalar loop's operations in its
        // order (square root and division are exact IEEE operations in both forms).
        typealias V = Elementwise.V
        let w = Elementwise.width
        let b1V = V(repeating: b1), b2V = V(repeating: b2), a1V = V(repeating: 1 - b1), a2V = V(repeating: 1 - b2)
        let epsV = V(repeating: eps), c2V = V(repeating: c2), stepV = V(repeating: stepSize)
        let wdV = V(repeating: wd), decayV = V(repeating: 1 - lr * wd)
        m.withUnsafeMutableBufferPointer { mb in
            v.withUnsafeMutableBufferPointer { vb in
                let mm = mb.baseAddress!, vv = vb.baseAddress!
                Elementwise.pieces(n) { range in
                    var i = range.lowerBound
                    while i + w <= range.upperBound {
                        var gi = Elementwise.load(g + i)
                        var th = Elementwise.load(theta + i)
                        if wd != 0 {
                            if dec { th = th * decayV } else { gi = gi + wdV * th }
                        }
                        let mi = b1V * Elementwise.load(mm + i) + a1V * gi
                        let vi = b2V * Elementwise.load(vv + i) + a2V * gi * gi
                        Elementwise.store(mi, mm + i)
                        Elementwise.store(vi, vv + i)
                        Elementwise.store(th - stepV * mi / (vi.squareRoot() / c2V + epsV), theta + i)
                        i += w
                    }
                    while i < range.upperBound {
                        var gi = g[i]
                        if wd != 0 {
                            if dec { theta[i] *= 1 - lr * wd } else { gi += wd * theta[i] }
                        }
                        let mi = b1 * mm[i] + (1 - b1) * gi
                        let vi = b2 * vv[i] + (1 - b2) * gi * gi
                        mm[i] = mi
                        vv[i] = vi
                        theta[i] -= stepSize * mi / (vi.squareRoot() / c2 + eps)
                        i += 1
                    }
                }
            }
        }
    }
}

extension Double {
    @inline(__always) fileprivate func pow(_ e: Double) -> Double { Foundation_pow(self, e) }
}
