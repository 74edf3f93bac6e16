import Support

/// Fully connected layer y = x Wᵀ + b (PyTorch `nn.Linear`).
///
/// x [N, in], W [out, in], b [out], y [N, out]. Forward is one sgemm with y pre-filled by b.
/// Backward (summed over the batch):
///   ∂L/∂W [out, in] += dyᵀ [out, N] · x [N, in]
///   ∂L/∂b [out]     += Σ_n dy[n, :]
///   ∂L/∂x [N, in]    = dy [N, out] · W [out, in]
public struct Linear: Layer {
    public let inFeatures: Int
    public let outFeatures: Int
    public let hasBias: Bool

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.hasBias = bias
    }

    public var inputShape: [Int] { [inFeatures] }
    public var outputShape: [Int] { [outFeatures] }
    public var parameterSlots: [TensorSlot] {
        hasBias ? [TensorSlot("weight", [outFeatures, inFeatures]), TensorSlot("bias", [outFeatures])]
                : [TensorSlot("weight", [outFeatures, inFeatures])]
    }
    public var description: String { "Linear(in_features=\(inFeatures), out_features=\(outFeatures), bias=\(hasBias ? "True" : "False"))" }

    public func initialize(parameters: UnsafeMutableBufferPointer<Float>, buffers: UnsafeMutableBufferPointer<Float>,
                           scheme: Initialization, rng: RandomGenerator) {
        let nw = inFeatures * outFeatures
        let weight = UnsafeMutableBufferPointer(rebasing: parameters[0..<nw])
        let bias = hasBias ? UnsafeMutableBufferPointer(rebasing: parameters[nw..<(nw + outFeatures)]) : nil
        scheme.fill(weight: weight, bias: bias, fanIn: inFeatures, fanOut: outFeatures, rng: rng)
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let w = parameters                       // [out, in]
        if hasBias {
            let b = parameters + inFeatures * outFeatures   // [out]
            for i in 0..<n { (y + i * outFeatures).update(from: b, count: outFeatures) }
        }
        BLAS.sgemm(transB: true, m: n, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                   b: w, ldb: inFeatures, beta: hasBias ? 1 : 0, c: y, ldc: outFeatures)
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        if let dp = parameterGradient {
            // dW [out, in] += dyᵀ · x
            BLAS.sgemm(transA: true, m: outFeatures, n: inFeatures, k: n, a: dy, lda: outFeatures,
                       b: x, ldb: inFeatures, beta: 1, c: dp, ldc: inFeatures)
            if hasBias {
                let db = dp + inFeatures * outFeatures
                for i in 0..<n { Elementwise.add(dy + i * outFeatures, into: db, count: outFeatures) }
            }
        }
        if let dx {
            // dx [N, in] = dy · W
            BLAS.sgemm(m: n, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures,
                       b: parameters, ldb: inFeatures, beta: 0, c: dx, ldc: inFeatures)
        }
    }
}
