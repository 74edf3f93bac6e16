import Support

/// The residual block of ResNet-18/34 (He et al. 2016, torchvision `BasicBlock`, expansion 1):
///
///     out = ReLU( bn2(conv2( ReLU(bn1(conv1 x)) )) + shortcut(x) )
///
/// conv1 3×3 stride s padding 1, conv2 3×3 stride 1 padding 1 (both without bias); the shortcut is
/// the identity, or — when s ≠ 1 or the channel count changes — the projection
/// `downsample = Sequential(Conv2d(C, O, 1, stride=s, bias=False), BatchNorm2d(O))`.
/// Parameters and buffers carry torchvision's names relative to the block (`conv1.weight`,
/// `bn1.running_mean`, `downsample.0.weight`, `downsample.1.bias`, …).
///
/// Backward: with g = dy · 1[out > 0], the branch receives g through bn2 → conv2 → ReLU mask →
/// bn1 → conv1, the shortcut receives g (identity) or g through downsample.1 → downsample.0; dx is
/// the sum of both.
///
/// Scratch (per block, batch N): forward keeps a1 = conv1 x, h1 = ReLU(bn1 a1), a2 = conv2 h1 and
/// d1 = downsample.0 x, each [N, O, OH, OW], plus a temporary of that size; backward uses three
/// more of that size and one [N, C, H, W]. Children's scratch holds the convolutions' columns.
public struct BasicBlock: Layer {
    public let inChannels: Int, outChannels: Int, stride: Int
    public let height: Int, width: Int
    let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    let downConv: Conv2d?, downNorm: BatchNorm2d?

    public init(inChannels: Int, outChannels: Int, stride: Int = 1, height: Int, width: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.stride = stride
        self.height = height
        self.width = width
        conv1 = Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: 3, stride: stride, padding: 1,
                       height: height, width: width, bias: false)
        let oh = conv1.outHeight, ow = conv1.outWidth
        bn1 = BatchNorm2d(channels: outChannels, height: oh, width: ow)
        conv2 = Conv2d(inChannels: outChannels, outChannels: outChannels, kernel: 3, stride: 1, padding: 1,
                       height: oh, width: ow, bias: false)
        bn2 = BatchNorm2d(channels: outChannels, height: oh, width: ow)
        if stride != 1 || inChannels != outChannels {
            downConv = Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: 1, stride: stride, padding: 0,
                              height: height, width: width, bias: false)
            downNorm = BatchNorm2d(channels: outChannels, height: oh, width: ow)
        } else {
            downConv = nil
            downNorm = nil
        }
    }

    public var hasProjection: Bool { downConv != nil }
    /// conv1, conv2 and (with a projection) downsample.0.
    public var convolutions: [Conv2d] { [conv1, conv2] + (downConv.map { [$0] } ?? []) }
    public var inputShape: [Int] { [inChannels, height, width] }
    public var outputShape: [Int] { conv1.outputShape }

    /// (name prefix, layer) of the children in state_dict order.
    var children: [(String, any Layer)] {
        var c: [(String, any Layer)] = [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)]
        if let downConv, let downNorm { c += [("downsample.0", downConv), ("downsample.1", downNorm)] }
        return c
    }

    public var parameterSlots: [TensorSlot] {
        children.flatMap { prefix, layer in layer.parameterSlots.map { TensorSlot(prefix + "." + $0.name, $0.shape) } }
    }
    public var bufferSlots: [TensorSlot] {
        children.flatMap { prefix, layer in layer.bufferSlots.map { TensorSlot(prefix + "." + $0.name, $0.shape) } }
    }
    public var description: String {
        "BasicBlock(\(inChannels), \(outChannels), stride=\(stride)\(hasProjection ? ", downsample" : ""))"
    }

    /// Offsets of child i's parameters and buffers within the block's slices.
    var offsets: (parameters: [Int], buffers: [Int]) {
        var p = [0], b = [0]
        for (_, layer) in children {
            p.append(p.last! + layer.parameterCount)
            b.append(b.last! + layer.bufferCount)
        }
        return (p, b)
    }

    /// torchvision's ResNet initialization under `.pytorchDefault`: convolution weights
    /// N(0, 2/fan_out) (kaiming_normal_, mode='fan_out', ReLU gain), BatchNorm γ = 1, β = 0;
    /// other schemes apply to the convolutions as to any Conv2d.
    public func initialize(parameters: UnsafeMutableBufferPointer<Float>, buffers: UnsafeMutableBufferPointer<Float>,
                           scheme: Initialization, rng: RandomGenerator) {
        let (po, bo) = offsets
        for (i, (_, layer)) in children.enumerated() {
            let p = UnsafeMutableBufferPointer(rebasing: parameters[po[i]..<po[i + 1]])
            let b = UnsafeMutableBufferPointer(rebasing: buffers[bo[i]..<bo[i + 1]])
            if let conv = layer as? Conv2d, scheme == .pytorchDefault {
                ResNetInitialization.kaimingFanOut(conv, weight: p, rng: rng)
            } else {
                layer.initialize(parameters: p, buffers: b, scheme: scheme, rng: rng)
            }
        }
    }

    func scratchFor(_ scratch: LayerScratch) -> [LayerScratch] {
        while scratch.children.count < 6 { scratch.children.append(LayerScratch()) }
        return scratch.children
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let out = n * outputSize, input = n * inputSize
        // forward: a1, h1, a2, d1, tmp; backward: g, t1, t2 (out) and t3 (input).
        scratch.reserveFloats(8 * out + input)
        let a1 = scratch.floats, h1 = a1 + out, a2 = h1 + out, d1 = a2 + out, tmp = d1 + out
        let s = scratchFor(scratch), (po, bo) = offsets
        conv1.forward(x, a1, batch: n, parameters: parameters + po[0], buffers: buffers + bo[0], mode: mode, scratch: s[0])
        bn1.forward(a1, h1, batch: n, parameters: parameters + po[1], buffers: buffers + bo[1], mode: mode, scratch: s[1])
        for t in 0..<out where h1[t] < 0 { h1[t] = 0 }
        conv2.forward(h1, a2, batch: n, parameters: parameters + po[2], buffers: buffers + bo[2], mode: mode, scratch: s[2])
        bn2.forward(a2, y, batch: n, parameters: parameters + po[3], buffers: buffers + bo[3], mode: mode, scratch: s[3])
        if let downConv, let downNorm {
            downConv.forward(x, d1, batch: n, parameters: parameters + po[4], buffers: buffers + bo[4], mode: mode, scratch: s[4])
            downNorm.forward(d1, tmp, batch: n, parameters: parameters + po[5], buffers: buffers + bo[5], mode: mode, scratch: s[5])
            for t in 0..<out { y[t] = max(0, y[t] + tmp[t]) }
        } else {
            for t in 0..<out { y[t] = max(0, y[t] + x[t]) }
        }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        let out = n * outputSize, input = n * inputSize
        precondition(scratch.floatCapacity >= 8 * out + input, "BasicBlock.backward without its forward pass")
        let a1 = scratch.floats, h1 = a1 + out, a2 = h1 + out, d1 = a2 + out
        let g = d1 + 2 * out, t1 = g + out, t2 = t1 + out, t3 = t2 + out
        let s = scratchFor(scratch), (po, bo) = offsets
        let mb = UnsafeMutablePointer(mutating: buffers)
        func grad(_ i: Int) -> UnsafeMutablePointer<Float>? { parameterGradient.map { $0 + po[i] } }
        for t in 0..<out { g[t] = y[t] > 0 ? dy[t] : 0 }
        // Branch: bn2 → conv2 → ReLU mask → bn1 → conv1.
        bn2.backward(a2, a2, g, t1, batch: n, parameters: parameters + po[3], parameterGradient: grad(3),
                     buffers: mb + bo[3], mode: mode, scratch: s[3])
        conv2.backward(h1, a2, t1, t2, batch: n, parameters: parameters + po[2], parameterGradient: grad(2),
                       buffers: mb + bo[2], mode: mode, scratch: s[2])
        for t in 0..<out where h1[t] <= 0 { t2[t] = 0 }
        bn1.backward(a1, h1, t2, t1, batch: n, parameters: parameters + po[1], parameterGradient: grad(1),
                     buffers: mb + bo[1], mode: mode, scratch: s[1])
        conv1.backward(x, a1, t1, dx, batch: n, parameters: parameters + po[0], parameterGradient: grad(0),
                       buffers: mb + bo[0], mode: mode, scratch: s[0])
        // Shortcut.
        if let downConv, let downNorm {
            downNorm.backward(d1, d1, g, t1, batch: n, parameters: parameters + po[5], parameterGradient: grad(5),
                              buffers: mb + bo[5], mode: mode, scratch: s[5])
            downConv.backward(x, d1, t1, dx == nil ? nil : t3, batch: n, parameters: parameters + po[4], parameterGradient: grad(4),
                              buffers: mb + bo[4], mode: mode, scratch: s[4])
            if let dx { for t in 0..<input { dx[t] += t3[t] } }
        } else if let dx {
            for t in 0..<out { dx[t] += g[t] }
        }
    }
}

/// torchvision's ResNet weight initialization (`torchvision.models.resnet.ResNet.__init__`).
enum ResNetInitialization {
    /// Conv weight N(0, σ²), σ = √(2 / fan_out), fan_out = O·kh·kw; bias (if any) 0.
    static func kaimingFanOut(_ conv: Conv2d, weight: UnsafeMutableBufferPointer<Float>, rng: RandomGenerator) {
        let fanOut = Double(conv.outChannels * conv.kernel.h * conv.kernel.w)
        let sigma = (2 / fanOut).squareRoot()
        let nw = conv.outChannels * conv.patch
        for i in 0..<nw { weight[i] = Float(rng.gaussian(sigma: sigma)) }
        for i in nw..<weight.count { weight[i] = 0 }
    }
}
