/// Global average pooling (PyTorch `nn.AdaptiveAvgPool2d((1, 1))`), the pooling before a
/// ResNet's classifier: x [N, C, H, W] → y [N, C, 1, 1], y[n, c] = (1/HW) Σ_{i,j} x[n, c, i, j];
/// backward spreads evenly: ∂L/∂x[n, c, i, j] = dy[n, c] / (HW).
public struct AdaptiveAvgPool2d: Layer {
    public let channels: Int, height: Int, width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    public var inputShape: [Int] { [channels, height, width] }
    public var outputShape: [Int] { [channels, 1, 1] }
    public var parameterSlots: [TensorSlot] { [] }
    public var description: String { "AdaptiveAvgPool2d(output_size=(1, 1))" }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let q = height * width, inv = 1 / Float(q)
        for p in 0..<(n * channels) {
            let src = x + p * q
            var s: Float = 0
            for t in 0..<q { s += src[t] }
            y[p] = s * inv
        }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        guard let dx else { return }
        let q = height * width, inv = 1 / Float(q)
        for p in 0..<(n * channels) {
            (dx + p * q).update(repeating: dy[p] * inv, count: q)
        }
    }
}
