import Support

/// Batch normalization over channels (PyTorch `nn.BatchNorm2d(C, eps=1e-5, momentum=0.1)`),
/// evaluation mode: y = γ (x − μ_run) / √(σ²_run + ε) + β (Ioffe & Szegedy 2015).
///
/// Parameters: weight γ [C], bias β [C]. Buffers (state_dict order): running_mean [C],
/// running_var [C], num_batches_tracked [] (an int64 in PyTorch files; kept here as a float count).
/// Backward (evaluation mode, statistics fixed): with x̂ = (x − μ)/√(σ² + ε),
///   ∂L/∂x = dy · γ/√(σ² + ε),  ∂L/∂γ += Σ dy · x̂,  ∂L/∂β += Σ dy  (sums over N, H, W).
/// Training mode (batch statistics, running-average update) is a later addition: `mode` and the
/// mutable `buffers` pointer are already part of the forward signature for it.
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

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let q = height * width
        for k in 0..<n {
            for c in 0..<channels {
                let scale = parameters[c] / (buffers[channels + c] + eps).squareRoot()
                let shift = parameters[channels + c] - buffers[c] * scale
                let src = x + (k * channels + c) * q, dst = y + (k * channels + c) * q
                for t in 0..<q { dst[t] = src[t] * scale + shift }
            }
        }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        let q = height * width
        for c in 0..<channels {
            let inv = 1 / (buffers[channels + c] + eps).squareRoot()
            let scale = parameters[c] * inv
            var dGamma: Float = 0, dBeta: Float = 0
            for k in 0..<n {
                let base = (k * channels + c) * q
                for t in 0..<q {
                    let g = dy[base + t]
                    dGamma += g * (x[base + t] - buffers[c]) * inv
                    dBeta += g
                    dx?[base + t] = g * scale
                }
            }
            if let dp = parameterGradient {
                dp[c] += dGamma
                dp[channels + c] += dBeta
            }
        }
    }
}
