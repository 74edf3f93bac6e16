import Support

/// ResNet-18 (He et al. 2016) exactly as torchvision builds it, as a ``Sequential`` of named
/// modules so the state_dict names are torchvision's:
///
///     conv1 → bn1 → relu → maxpool → layer1.0, layer1.1 (W) → layer2.0, layer2.1 (2W, stride 2)
///           → layer3.0, layer3.1 (4W, stride 2) → layer4.0, layer4.1 (8W, stride 2)
///           → avgpool (adaptive, 1×1) → flatten → fc (8W → K)
///
/// with W = 64. `resnet18`: conv1 7×7 stride 2 padding 3, maxpool 3×3 stride 2 padding 1 (input
/// 3×224×224 by default, K = 1000). `resnet18-cifar`: conv1 3×3 stride 1 padding 1 and no max-pool
/// (torchvision's model with `model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)` and
/// `model.maxpool = nn.Identity()`; input 3×32×32, K = 10). Layer 2.0, 3.0, 4.0 have the projection
/// shortcut `downsample.0/1`. The unnamed flatten module has no state, so names match
/// `torchvision.models.resnet18(num_classes=K).state_dict()` one for one (within a block our
/// order lists parameters before buffers; safetensors files are looked up by name, so it is moot).
///
/// Spec options (after ':' , comma-separated): `num_classes=K`, `input=CxHxW`, `width=W` (base
/// width; 64 is ResNet-18, smaller values give cheap residual nets of the same topology), e.g.
/// `resnet18-cifar:num_classes=10,width=8,input=3x16x16`.
public enum ResNet {
    public enum Variant: String, Sendable, CaseIterable {
        case imagenet = "resnet18"
        case cifar = "resnet18-cifar"
    }

    /// Builds the model (parameters zero; initialize with `.pytorchDefault` for torchvision's init).
    public static func build(spec: String, variant: Variant, classes: Int? = nil, input: [Int]? = nil,
                             width: Int = 64) throws -> Sequential {
        let k = classes ?? (variant == .imagenet ? 1000 : 10)
        let shape = input ?? (variant == .imagenet ? [3, 224, 224] : [3, 32, 32])
        guard k > 0, width > 0, shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw ModeLatticeError.usage("model spec '\(spec)': num_classes, width and input sizes must be positive (input CxHxW)")
        }
        var layers: [any Layer] = []
        var names: [String] = []
        func add(_ name: String, _ layer: any Layer) { names.append(name); layers.append(layer) }
        let stem = variant == .imagenet
            ? Conv2d(inChannels: shape[0], outChannels: width, kernel: 7, stride: 2, padding: 3, height: shape[1], width: shape[2], bias: false)
            : Conv2d(inChannels: shape[0], outChannels: width, kernel: 3, stride: 1, padding: 1, height: shape[1], width: shape[2], bias: false)
        guard stem.outHeight > 0, stem.outWidth > 0 else {
            throw ModeLatticeError.usage("model spec '\(spec)': input \(shape) is too small")
        }
        add("conv1", ResNetConv2d(stem))
        var c = width, h = stem.outHeight, w = stem.outWidth
        add("bn1", BatchNorm2d(channels: c, height: h, width: w))
        add("relu", Activation(.relu, shape: [c, h, w]))
        if variant == .imagenet {
            let pool = MaxPool2d(kernel: 3, stride: 2, padding: 1, channels: c, height: h, width: w)
            add("maxpool", pool)
            h = pool.outHeight
            w = pool.outWidth
        }
        for stage in 0..<4 {
            let o = width << stage
            for b in 0..<2 {
                let block = BasicBlock(inChannels: c, outChannels: o, stride: (stage > 0 && b == 0) ? 2 : 1, height: h, width: w)
                add("layer\(stage + 1).\(b)", block)
                c = o
                h = block.outputShape[1]
                w = block.outputShape[2]
            }
        }
        add("avgpool", AdaptiveAvgPool2d(channels: c, height: h, width: w))
        add("flatten", Flatten(inputShape: [c, 1, 1]))
        add("fc", Linear(c, k))
        return try Sequential(spec: spec, inputShape: shape, layers: layers, moduleNames: names)
    }

    /// Parses `resnet18[-cifar][:key=value,…]`; nil when the spec is not a ResNet.
    public static func parse(_ spec: String) throws -> Sequential? {
        let head = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let variant = Variant(rawValue: String(head[0])) else { return nil }
        func fail(_ why: String) -> ModeLatticeError {
            .usage("cannot parse model spec '\(spec)': \(why); examples: resnet18, resnet18-cifar, resnet18:num_classes=10,input=3x64x64, resnet18-cifar:width=8")
        }
        var classes: Int?, input: [Int]?, width = 64
        if head.count == 2 {
            for option in head[1].split(separator: ",", omittingEmptySubsequences: false) {
                let kv = option.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                guard kv.count == 2 else { throw fail("option '\(option)' must be key=value") }
                switch kv[0] {
                case "num_classes":
                    guard let v = ArchitectureSpec.size(kv[1]), v > 0 else { throw fail("num_classes must be a positive integer (at most \(ArchitectureSpec.maxSize))") }
                    classes = v
                case "width":
                    guard let v = ArchitectureSpec.size(kv[1]), v > 0 else { throw fail("width must be a positive integer (at most \(ArchitectureSpec.maxSize))") }
                    width = v
                case "input":
                    let dims = kv[1].split(separator: "x", omittingEmptySubsequences: false).map { ArchitectureSpec.size($0) }
                    guard dims.count == 3, dims.allSatisfy({ ($0 ?? 0) > 0 }) else { throw fail("input must be CxHxW (sizes at most \(ArchitectureSpec.maxSize))") }
                    input = dims.map { $0! }
                default:
                    throw fail("unknown option '\(kv[0])' (num_classes, input, width)")
                }
            }
        }
        return try build(spec: spec, variant: variant, classes: classes, input: input, width: width)
    }
}

/// The stem convolution of a ResNet: a bias-free ``Conv2d`` that, under `.pytorchDefault`, is
/// initialized as torchvision does (weights N(0, 2/fan_out), kaiming_normal_ mode='fan_out').
public struct ResNetConv2d: Layer {
    public let conv: Conv2d
    public init(_ conv: Conv2d) { self.conv = conv }
    public var inputShape: [Int] { conv.inputShape }
    public var outputShape: [Int] { conv.outputShape }
    public var parameterSlots: [TensorSlot] { conv.parameterSlots }
    public var description: String { conv.description }

    public func initialize(parameters: UnsafeMutableBufferPointer<Float>, buffers: UnsafeMutableBufferPointer<Float>,
                           scheme: Initialization, rng: RandomGenerator) {
        if scheme == .pytorchDefault {
            ResNetInitialization.kaimingFanOut(conv, weight: parameters, rng: rng)
        } else {
            conv.initialize(parameters: parameters, buffers: buffers, scheme: scheme, rng: rng)
        }
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        conv.forward(x, y, batch: n, parameters: parameters, buffers: buffers, mode: mode, scratch: scratch)
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        conv.backward(x, y, dy, dx, batch: n, parameters: parameters, parameterGradient: parameterGradient,
                      buffers: buffers, mode: mode, scratch: scratch)
    }
}
