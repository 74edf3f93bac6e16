import Support

/// 2-D convolution (PyTorch `nn.Conv2d`, cross-correlation, zero padding), lowered to sgemm by
/// im2col.
///
/// x [N, C, H, W], weight [O, C, kh, kw], bias [O], y [N, O, OH, OW] with
///   OH = ⌊(H + 2p − kh)/s⌋ + 1,  OW = ⌊(W + 2p − kw)/s⌋ + 1,
///   y[n, o, i, j] = b[o] + Σ_{c,u,v} w[o, c, u, v] · x[n, c, i·s − p + u, j·s − p + v].
/// With K = C·kh·kw and Q = OH·OW, a chunk of B images is unfolded into col [K, B·Q]
/// (`im2col`), and y_chunk [O, B·Q] = W [O, K] · col is one sgemm (chunks keep col ≤ 4 M floats).
/// Backward per chunk, with dY [O, B·Q] gathered from dy:
///   ∂L/∂W [O, K] += dY · colᵀ,   ∂L/∂b[o] += Σ dY[o, :],   dcol [K, B·Q] = Wᵀ · dY → col2im adds into dx.
public struct Conv2d: Layer {
    public let inChannels: Int, outChannels: Int
    public let kernel: (h: Int, w: Int)
    public let stride: Int, padding: Int
    public let height: Int, width: Int
    public let hasBias: Bool

    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                height: Int, width: Int, bias: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = (kernel, kernel)
        self.stride = stride
        self.padding = padding
        self.height = height
        self.width = width
        self.hasBias = bias
    }

    public var outHeight: Int { (height + 2 * padding - kernel.h) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernel.w) / stride + 1 }
    public var inputShape: [Int] { [inChannels, height, width] }
    public var outputShape: [Int] { [outChannels, outHeight, outWidth] }
    var patch: Int { inChannels * kernel.h * kernel.w }       // K
    public var parameterSlots: [TensorSlot] {
        let w = TensorSlot("weight", [outChannels, inChannels, kernel.h, kernel.w])
        return hasBias ? [w, TensorSlot("bias", [outChannels])] : [w]
    }
    public var description: String {
        "Conv2d(\(inChannels), \(outChannels), kernel_size=(\(kernel.h), \(kernel.w)), stride=(\(stride), \(stride)), padding=(\(padding), \(padding))\(hasBias ? "" : ", bias=False"))"
    }

    public func initialize(parameters: UnsafeMutableBufferPointer<Float>, buffers: UnsafeMutableBufferPointer<Float>,
                           scheme: Initialization, rng: RandomGenerator) {
        let nw = outChannels * patch
        let weight = UnsafeMutableBufferPointer(rebasing: parameters[0..<nw])
        let bias = hasBias ? UnsafeMutableBufferPointer(rebasing: parameters[nw..<(nw + outChannels)]) : nil
        scheme.fill(weight: weight, bias: bias, fanIn: patch, fanOut: outChannels * kernel.h * kernel.w, rng: rng)
    }

    /// Images per chunk so that col [K, B·Q] stays within about 4 M floats.
    func chunkSize(batch n: Int) -> Int {
        max(1, min(n, (1 << 22) / max(1, patch * outHeight * outWidth)))
    }

    /// col [K, B·Q] from images x[n0 ..< n0+B] (images in parallel; each fills its own columns).
    func im2col(_ x: UnsafePointer<Float>, first n0: Int, count b: Int, into col: UnsafeMutablePointer<Float>) {
        let oh = outHeight, ow = outWidth, q = oh * ow, ld = b * q
        let plane = height * width, image = inChannels * plane
        Workers.forEach(b) { k in
            for c in 0..<inChannels {
                let src = x + (n0 + k) * image + c * plane
                for u in 0..<kernel.h {
                    for v in 0..<kernel.w {
                        let dst = col + ((c * kernel.h + u) * kernel.w + v) * ld + k * q
                        for i in 0..<oh {
                            let yy = i * stride - padding + u
                            let out = dst + i * ow
                            if yy < 0 || yy >= height {
                                out.update(repeating: 0, count: ow)
                                continue
                            }
                            let line = src + yy * width
                            for j in 0..<ow {
                                let xx = j * stride - padding + v
                                out[j] = (xx >= 0 && xx < width) ? line[xx] : 0
                            }
                        }
                    }
                }
            }
        }
    }

    /// dx[n0 ..< n0+B] += col2im(dcol) (images in parallel; each adds into its own image only,
    /// in a fixed order, so the sums do not depend on the worker count).
    func col2im(_ dcol: UnsafePointer<Float>, first n0: Int, count b: Int, into dx: UnsafeMutablePointer<Float>) {
        let oh = outHeight, ow = outWidth, q = oh * ow, ld = b * q
        let plane = height * width, image = inChannels * plane
        Workers.forEach(b) { k in
            for c in 0..<inChannels {
                let dst = dx + (n0 + k) * image + c * plane
                for u in 0..<kernel.h {
                    for v in 0..<kernel.w {
                        let src = dcol + ((c * kernel.h + u) * kernel.w + v) * ld + k * q
                        for i in 0..<oh {
                            let yy = i * stride - padding + u
                            if yy < 0 || yy >= height { continue }
                            let line = dst + yy * width
                            let g = src + i * ow
                            for j in 0..<ow {
                                let xx = j * stride - padding + v
                                if xx >= 0 && xx < width { line[xx] += g[j] }
                            }
                        }
                    }
                }
            }
        }
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let q = outHeight * outWidth, kk = patch, o = outChannels
        let chunk = chunkSize(batch: n)
        scratch.reserveFloats(kk * chunk * q + o * chunk * q)
        let col = scratch.floats                       // [K, B·Q]
        let tmp = scratch.floats + kk * chunk * q      // [O, B·Q]
        let bias: UnsafePointer<Float>? = hasBias ? parameters + o * kk : nil
        var n0 = 0
        while n0 < n {
            let b = min(chunk, n - n0)
            im2col(x, first: n0, count: b, into: col)
            BLAS.sgemm(m: o, n: b * q, k: kk, a: parameters, lda: kk, b: col, ldb: b * q, beta: 0, c: tmp, ldc: b * q)
            Workers.forEach(b) { k in
                for oc in 0..<o {
                    let dst = y + ((n0 + k) * o + oc) * q
                    let src = tmp + oc * b * q + k * q
                    let beta = bias?[oc] ?? 0
                    for t in 0..<q { dst[t] = src[t] + beta }
                }
            }
            n0 += b
        }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        let q = outHeight * outWidth, kk = patch, o = outChannels
        let chunk = chunkSize(batch: n)
        scratch.reserveFloats(kk * chunk * q + o * chunk * q)
        let col = scratch.floats                       // [K, B·Q]
        let dY = scratch.floats + kk * chunk * q       // [O, B·Q]
        if let dx { dx.update(repeating: 0, count: n * inputSize) }
        var n0 = 0
        while n0 < n {
            let b = min(chunk, n - n0)
            for k in 0..<b {
                for oc in 0..<o {
                    (dY + oc * b * q + k * q).update(from: dy + ((n0 + k) * o + oc) * q, count: q)
                }
            }
            if let dp = parameterGradient {
                im2col(x, first: n0, count: b, into: col)
                BLAS.sgemm(transB: true, m: o, n: kk, k: b * q, a: dY, lda: b * q, b: col, ldb: b * q,
                           beta: 1, c: dp, ldc: kk)
                if hasBias {
                    let db = dp + o * kk
                    for oc in 0..<o {
                        var s: Float = 0
                        let row = dY + oc * b * q
                        for t in 0..<(b * q) { s += row[t] }
                        db[oc] += s
                    }
                }
            }
            if let dx {
                BLAS.sgemm(transA: true, m: kk, n: b * q, k: o, a: parameters, lda: kk, b: dY, ldb: b * q,
                           beta: 0, c: col, ldc: b * q)
                col2im(col, first: n0, count: b, into: dx)
            }
            n0 += b
        }
    }
}
