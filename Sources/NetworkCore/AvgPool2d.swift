/// Average pooling (PyTorch `nn.AvgPool2d(kernel, stride, padding)`, floor mode,
/// count_include_pad = True).
///
/// y[n, c, i, j] = (1/|window|) Σ x over the window ∩ image, where |window| counts the padded
/// window clipped to [−p, H + p) × [−p, W + p) (PyTorch's divisor). Backward spreads dy/|window|
/// over the same in-image window.
public struct AvgPool2d: Pooling2d {
    public let channels: Int, height: Int, width: Int
    public let kernel: Int, stride: Int, padding: Int

    public init(kernel: Int, stride: Int? = nil, padding: Int = 0, channels: Int, height: Int, width: Int) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
        self.channels = channels
        self.height = height
        self.width = width
    }

    public var description: String { "AvgPool2d(kernel_size=\(kernel), stride=\(stride), padding=\(padding))" }

    /// In-image window rows/cols and PyTorch's divisor for output (i, j).
    @inline(__always)
    func window(_ i: Int, _ j: Int) -> (y0: Int, y1: Int, x0: Int, x1: Int, divisor: Float) {
        let hs = i * stride - padding, ws = j * stride - padding
        let he = min(hs + kernel, height + padding), we = min(ws + kernel, width + padding)
        let divisor = Float((he - hs) * (we - ws))
        return (max(hs, 0), min(he, height), max(ws, 0), min(we, width), divisor)
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let oh = outHeight, ow = outWidth
        for p in 0..<(n * channels) {
            let src = x + p * height * width
            for i in 0..<oh {
                for j in 0..<ow {
                    let w = window(i, j)
                    var s: Float = 0
                    for yy in w.y0..<max(w.y0, w.y1) { for xx in w.x0..<max(w.x0, w.x1) { s += src[yy * width + xx] } }
                    y[(p * oh + i) * ow + j] = s / w.divisor
                }
            }
        }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        guard let dx else { return }
        let oh = outHeight, ow = outWidth
        dx.update(repeating: 0, count: n * inputSize)
        for p in 0..<(n * channels) {
            let dst = dx + p * height * width
            for i in 0..<oh {
                for j in 0..<ow {
                    let w = window(i, j)
                    let g = dy[(p * oh + i) * ow + j] / w.divisor
                    for yy in w.y0..<max(w.y0, w.y1) { for xx in w.x0..<max(w.x0, w.x1) { dst[yy * width + xx] += g } }
                }
            }
        }
    }
}
