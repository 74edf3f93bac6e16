import Support

/// A feed-forward network: layers applied in order (PyTorch `nn.Sequential`), with ALL trainable
/// parameters in one flat vector θ and all non-trainable state in one flat vector of buffers.
///
/// θ [P] is the concatenation, layer by layer, of each layer's `parameterSlots` in state_dict order
/// (`0.weight`, `0.bias`, `2.weight`, …; indices count every module, activations included, exactly
/// as nn.Sequential numbers them). Flattening to a vector and back is therefore free:
/// `model.parameters` IS the vector, and assigning a vector of the same length is unflattening —
/// what parameter-space paths (θ(t) = (1−t)θ₀ + tθ₁) need.
/// The model is a Sendable value; per-thread activations live in a ``Workspace``.
public struct Sequential: Sendable {
    /// The architecture spec this model was built from (see ``ArchitectureSpec``).
    public let spec: String
    public let layers: [any Layer]
    /// Per-example input shape, e.g. [784] or [1, 28, 28].
    public let inputShape: [Int]
    /// θ [P], flat.
    public var parameters: [Float]
    /// Non-trainable state (BatchNorm running statistics), flat.
    public var buffers: [Float]
    /// Start of layer i's parameters in θ; `parameterOffsets[layers.count] == P`.
    public let parameterOffsets: [Int]
    public let bufferOffsets: [Int]
    /// State-dict prefix of each module: "0", "1", … as nn.Sequential numbers them, or given
    /// names (e.g. torchvision's "conv1", "layer1.0", "fc" for a residual network).
    public let moduleNames: [String]

    /// Chains `layers` (each layer's input shape must equal the previous output shape); parameters
    /// start at zero — call ``initialize(_:seed:generator:)`` or load a file.
    public init(spec: String, inputShape: [Int], layers: [any Layer], moduleNames: [String]? = nil) throws {
        if let moduleNames, moduleNames.count != layers.count {
            throw ModeLatticeError.software("\(moduleNames.count) module names for \(layers.count) layers")
        }
        self.moduleNames = moduleNames ?? layers.indices.map(String.init)
        guard CheckedSize.product(inputShape, limit: Self.maxExampleSize) != nil else {
            throw ModeLatticeError.usage("spec '\(spec)': input \(inputShape) holds more than \(Self.maxExampleSize) values per example")
        }
        var shape = inputShape
        var po = [0], bo = [0]
        func total(_ slots: [TensorSlot], after start: Int) -> Int? {
            slots.reduce(start as Int?) { sum, slot in
                guard let sum, let n = CheckedSize.product(slot.shape, limit: Self.maxParameters) else { return nil }
                return CheckedSize.sum(sum, n, limit: Self.maxParameters)
            }
        }
        for (i, layer) in layers.enumerated() {
            guard CheckedSize.product(layer.inputShape, limit: Self.maxExampleSize) == CheckedSize.product(shape),
                  layer.inputShape == shape || layer.inputShape.count == 1 else {
                throw ModeLatticeError.usage("spec '\(spec)': module \(i) (\(layer)) expects input \(layer.inputShape) but receives \(shape)")
            }
            guard layer.outputShape.allSatisfy({ $0 > 0 }) else {
                throw ModeLatticeError.usage("spec '\(spec)': module \(i) (\(layer)) would produce an empty output \(layer.outputShape) from \(shape)")
            }
            guard CheckedSize.product(layer.outputShape, limit: Self.maxExampleSize) != nil else {
                throw ModeLatticeError.usage("spec '\(spec)': module \(i) (\(layer)) would produce \(layer.outputShape), more than \(Self.maxExampleSize) values per example")
            }
            guard let p = total(layer.parameterSlots, after: po.last!), let b = total(layer.bufferSlots, after: bo.last!) else {
                throw ModeLatticeError.usage("spec '\(spec)': the model would have more than \(Self.maxParameters) parameters or buffer values (at module \(i), \(layer))")
            }
            shape = layer.outputShape
            po.append(p)
            bo.append(b)
        }
        self.spec = spec
        self.layers = layers
        self.inputShape = inputShape
        self.parameterOffsets = po
        self.bufferOffsets = bo
        self.parameters = [Float](repeating: 0, count: po.last!)
        self.buffers = [Float](repeating: 0, count: bo.last!)
    }

    /// The most parameters (and, separately, buffer values) a model may have: 2²⁷ ≈ 134 million
    /// Float32 values, 512 MiB, over ten times ResNet-18 (11.7 million). A spec asking for more is
    /// refused before anything is allocated.
    public static let maxParameters = 1 << 27
    /// The most values one example may occupy at any layer's input or output: 2²⁸.
    public static let maxExampleSize = 1 << 28

    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }
    public var inputSize: Int { inputShape.elementCount }
    public var outputSize: Int { outputShape.elementCount }
    public var parameterCount: Int { parameters.count }

    /// A state_dict entry: name, shape, and where its values live.
    public struct StateEntry: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        /// Range in `parameters` (trainable) or `buffers` (not).
        public var range: Range<Int>
        public var trainable: Bool
    }

    /// The state_dict in PyTorch order: per module, parameters then buffers.
    public var stateEntries: [StateEntry] {
        var out: [StateEntry] = []
        for (i, layer) in layers.enumerated() {
            var p = parameterOffsets[i]
            for slot in layer.parameterSlots {
                out.append(StateEntry(name: "\(moduleNames[i]).\(slot.name)", shape: slot.shape, range: p..<(p + slot.count), trainable: true))
                p += slot.count
            }
            var b = bufferOffsets[i]
            for slot in layer.bufferSlots {
                out.append(StateEntry(name: "\(moduleNames[i]).\(slot.name)", shape: slot.shape, range: b..<(b + slot.count), trainable: false))
                b += slot.count
            }
        }
        return out
    }

    /// Draws fresh parameters: layer i uses its own GSL generator seeded with
    /// `SeedSequence.derive(seed, stream: "init", index: i)`.
    public mutating func initialize(_ scheme: Initialization, seed: UInt64, generator: String? = nil) throws {
        let layers = self.layers, po = parameterOffsets, bo = bufferOffsets
        var p = parameters, b = buffers
        try p.withUnsafeMutableBufferPointer { pp in
            try b.withUnsafeMutableBufferPointer { bb in
                for (i, layer) in layers.enumerated() where layer.parameterCount + layer.bufferCount > 0 {
                    let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "init", index: i))
                    layer.initialize(parameters: UnsafeMutableBufferPointer(rebasing: pp[po[i]..<po[i + 1]]),
                                     buffers: UnsafeMutableBufferPointer(rebasing: bb[bo[i]..<bo[i + 1]]),
                                     scheme: scheme, rng: rng)
                }
            }
        }
        parameters = p
        buffers = b
    }

    /// A freshly initialized network of `spec`.
    public static func random(spec: String, initialization: Initialization = .pytorchDefault,
                              seed: UInt64, generator: String? = nil) throws -> Sequential {
        var model = try ArchitectureSpec.build(spec)
        try model.initialize(initialization, seed: seed, generator: generator)
        return model
    }

    /// An ensemble of `count` independent random networks: network k is initialized from
    /// `SeedSequence.derive(seed, stream: "network", index: k)`, so member k is the same whatever
    /// `count` is.
    public static func ensemble(spec: String, count: Int, initialization: Initialization = .pytorchDefault,
                                seed: UInt64, generator: String? = nil) throws -> [Sequential] {
        let template = try ArchitectureSpec.build(spec)
        return try (0..<count).map { k in
            var model = template
            try model.initialize(initialization, seed: SeedSequence.derive(seed, stream: "network", index: k), generator: generator)
            return model
        }
    }

    /// Number of examples in an array of `shape` fed to this model: the leading dimension, with the
    /// rest equal to the input shape, to it without leading 1s, or to its flattened size; a flat
    /// model ([D]) also takes any example shape of D values (images flattened in C order, as in
    /// training).
    public func batchCount(forArrayShape shape: [Int]) throws -> Int {
        guard let n = shape.first, shape.count >= 2 else {
            throw ModeLatticeError.data("input of shape \(shape) needs a leading batch dimension followed by \(inputShape)")
        }
        let rest = Array(shape.dropFirst())
        var squeezed = inputShape
        while squeezed.count > 1, squeezed.first == 1 { squeezed.removeFirst() }
        let flatModel = inputShape.count == 1 && rest.elementCount == inputSize
        guard rest == inputShape || rest == squeezed || rest == [inputSize] || flatModel else {
            throw ModeLatticeError.data("input of shape \(shape) does not fit model input \(inputShape) (spec '\(spec)'); expected [N, \(inputShape.map(String.init).joined(separator: ", "))]\(inputShape.count > 1 ? " or [N, \(inputSize)]" : "")")
        }
        return n
    }
}
