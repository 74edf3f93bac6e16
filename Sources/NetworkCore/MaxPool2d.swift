/// Max pooling (PyTorch `nn.MaxPool2d(kernel, stride, padding)`, floor mode, padding = −∞).
///
/// x [N, C, H, W] → y [N, C, OH, OW], OH = ⌊(H + 2p − k)/s⌋ + 1; y = max over the window. The
/// forward pass records the arg-max (first maximum, as PyTorch) per output in the scratch
/// indices [N·C·OH·OW]; backward routes dy to it: dx[arg-max] += dy.
public struct MaxPool2d: Pooling2d {
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

    public var description: String { "MaxPool2d(kernel_size=\(kernel), stride=\(stride), padding=\(padding), dilation=1, ceil_mode=False)" }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let oh = outHeight, ow = outWidth, planes = n * channels
        scratch.reserveIndices(planes * oh * ow)
        let arg = scratch.indices
        for p in 0..<planes {
            let src = x + p * height * width
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = -Float.infinity
                    var where_: Int32 = -1
                    for u in 0..<kernel {
                        let yy = i * stride - padding + u
                        if yy < 0 || yy >= height { continue }
                        for v in 0..<kernel {
                            let xx = j * stride - padding + v
                            if xx < 0 || xx >= width { continue }
                            let value = src[yy * width + xx]
                            if value > best || value.isNaN || where_ < 0 {
                                best = value
                                where_ = Int32(yy * width + xx)
                                if value.isNaN { break }
                            }
                        }
                    }
                    let o = (p * oh + i) * ow + j
                    y[o] = best
                    arg[o] = where_
                }
            }
        }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        guard let dx else { return }
        let oh = outHeight, ow = outWidth, planes = n * channels, q = oh * ow
        dx.update(repeating: 0, count: n * inputSize)
        let arg = scratch.indices
        for p in 0..<planes {
            let dst = dx + p * height * width
            for t in 0..<q {
                let a = arg[p * q + t]
                if a >= 0 { dst[Int(a)] += dy[p * q + t] }
            }
        }
    }
}
