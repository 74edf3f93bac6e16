import Support

/// Batch normalization over channels (PyTorch `nn.BatchNorm2d(C, eps=1e-5, momentum=0.1)`,
/// Ioffe & Szegedy 2015), with x̂ = (x − μ)/√(σ² + ε) and y = γ x̂ + β per channel.
///
/// Parameters: weight γ [C], bias β [C]. Buffers (state_dict order): running_mean [C],
/// running_var [C], num_batches_tracked [] (an int64 in PyTorch files; kept here as a float count).
/// - Inference (`model.eval()`): μ, σ² are the running statistics; ∂L/∂x = dy · γ/√(σ² + ε).
/// - Training (`model.train()`): μ, σ² are the batch mean and biased variance over the
///   M = N·H·W values of a channel; the forward pass updates
///   running_mean ← (1 − m)·running_mean + m·μ, running_var ← (1 − m)·running_var + m·σ²·M/(M − 1)
///   (unbiased), num_batches_tracked += 1. Backward (statistics depend on x):
///   ∂L/∂x = γ/(M √(σ² + ε)) · (M·dy − Σ dy − x̂ · Σ dy·x̂).
/// In both modes ∂L/∂γ += Σ dy · x̂, ∂L/∂β += Σ dy (sums over N, H, W). Statistics are accumulated
/// in Double.
public struct BatchNorm2d: Layer {
    public let channels: Int, height: Int, width: Int
    public let eps: Float
    public let momentum: Float

    public init(channels: Int, height: Int, width: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        self.channels = channels
        self.height = height
        self.width = width
        self.eps = eps
        self.momentum = momentum
    }

    public var inputShape: [Int] { [channels, height, width] }
    public var outputShape: [Int] { inputShape }
    public var parameterSlots: [TensorSlot] { [TensorSlot("weight", [channels]), TensorSlot("bias", [channels])] }
    public var bufferSlots: [TensorSlot] {
        [TensorSlot("running_mean", [channels]), TensorSlot("running_var", [channels]), TensorSlot("num_batches_tracked", [])]
    }
    public var description: String { "BatchNorm2d(\(channels), eps=\(eps), momentum=\(momentum), affine=True, track_running_stats=True)" }

    public func initialize(parameters: UnsafeMutableBufferPointer<Float>, buffers: UnsafeMutableBufferPointer<Float>,
                           scheme: Initialization, rng: RandomGenerator) {
        for c in 0..<channels {
            parameters[c] = 1
            parameters[channels + c] = 0
            buffers[c] = 0
            buffers[channels + c] = 1
        }
        buffers[2 * channels] = 0
    }

    /// Per-channel (μ, 1/√(σ² + ε), σ²) of the batch x [N, C, H, W].
    func batchStatistics(_ x: UnsafePointer<Float>, batch n: Int, channel c: Int) -> (mean: Float, inverse: Float, variance: Double) {
        let q = height * width
        var sum = 0.0
        for k in 0..<n {
            let src = x + (k * channels + c) * q
            for t in 0..<q { sum += Double(src[t]) }
        }
        let m = Double(n * q), mean = sum / m
        var squares = 0.0
        for k in 0..<n {
            let src = x + (k * channels + c) * q
            for t in 0..<q { let d = Double(src[t]) - mean; squares += d * d }
        }
        let variance = squares / m
        return (Float(mean), Float(1 / (variance + Double(eps)).squareRoot()), variance)
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let q = height * width, m = Float(n * q)
        for c in 0..<channels {
            let scale: Float, shift: Float
            if mode == .training {
                let s = batchStatistics(x, batch: n, channel: c)
                scale = parameters[c] * s.inverse
                shift = parameters[channels + c] - s.mean * scale
                let unbiased = m > 1 ? Float(s.variance) * m / (m - 1) : Float(s.variance)
                buffers[c] = (1 - momentum) * buffers[c] + momentum * s.mean
                buffers[channels + c] = (1 - momentum) * buffers[channels + c] + momentum * unbiased
            } else {
                scale = parameters[c] / (buffers[channels + c] + eps).squareRoot()
                shift = parameters[channels + c] - buffers[c] * scale
            }
            for k in 0..<n {
                let src = x + (k * channels + c) * q, dst = y + (k * channels + c) * q
                for t in 0..<q { dst[t] = src[t] * scale + shift }
            }
        }
        if mode == .training { buffers[2 * channels] += 1 }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        let q = height * width, m = Float(n * q)
        for c in 0..<channels {
            let mean: Float, inv: Float
            if mode == .training {
                let s = batchStatistics(x, batch: n, channel: c)
                (mean, inv) = (s.mean, s.inverse)
            } else {
                (mean, inv) = (buffers[c], 1 / (buffers[channels + c] + eps).squareRoot())
            }
            let scale = parameters[c] * inv
            var dGamma: Float = 0, dBeta: Float = 0
            for k in 0..<n {
                let base = (k * channels + c) * q
                for t in 0..<q {
                    let g = dy[base + t]
                    dGamma += g * (x[base + t] - mean) * inv
                    dBeta += g
                }
            }
            if let dx {
                for k in 0..<n {
                    let base = (k * channels + c) * q
                    if mode == .training {
                        // γ/(M√(σ²+ε)) (M dy − Σdy − x̂ Σ dy x̂)
                        let a = scale / m
                        for t in 0..<q {
                            let xhat = (x[base + t] - mean) * inv
                            dx[base + t] = a * (m * dy[base + t] - dBeta - xhat * dGamma)
                        }
                    } else {
                        for t in 0..<q { dx[base + t] = dy[base + t] * scale }
                    }
                }
            }
            if let dp = parameterGradient {
                dp[c] += dGamma
                dp[channels + c] += dBeta
            }
        }
    }
}
