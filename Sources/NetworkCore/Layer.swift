import Support

/// Whether a forward pass is for inference (PyTorch `model.eval()`) or training (`model.train()`).
/// Only layers with mode-dependent behaviour (BatchNorm2d) look at it; in `.inference` a layer
/// must not write its buffers.
public enum LayerMode: Sendable, Equatable {
    case inference
    case training
}

/// A named tensor a layer owns, named relative to the layer as in PyTorch (`weight`, `bias`,
/// `running_mean`, …). The model prefixes the layer's index (`3.weight`).
public struct TensorSlot: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var count: Int { shape.reduce(1, *) }
    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// Per-thread temporary storage of one layer (im2col columns, max-pool arg-max indices, …),
/// grown on demand and reused across batches. Composite layers (residual blocks) keep their
/// children's scratch in `children`.
public final class LayerScratch {
    public var floats: UnsafeMutablePointer<Float>
    public private(set) var floatCapacity: Int
    public var indices: UnsafeMutablePointer<Int32>
    public private(set) var indexCapacity: Int
    public var children: [LayerScratch] = []

    public init() {
        floats = .allocate(capacity: 1)
        floatCapacity = 1
        indices = .allocate(capacity: 1)
        indexCapacity = 1
    }

    deinit {
        floats.deallocate()
        indices.deallocate()
    }

    /// Makes room for `n` floats (contents not preserved).
    public func reserveFloats(_ n: Int) {
        guard n > floatCapacity else { return }
        floats.deallocate()
        floats = .allocate(capacity: n)
        floatCapacity = n
    }

    /// Makes room for `n` indices (contents not preserved).
    public func reserveIndices(_ n: Int) {
        guard n > indexCapacity else { return }
        indices.deallocate()
        indices = .allocate(capacity: n)
        indexCapacity = n
    }
}

/// One module of a network, with its forward and backward pass side by side.
///
/// Shapes are per example (`inputShape` [D] or [C, H, W]); every call processes a batch of N
/// examples stored contiguously, `x` [N, inputShape…], `y` [N, outputShape…].
/// Parameters are not stored in the layer: the model owns one flat buffer θ and hands each layer
/// a pointer to its slice, laid out as `parameterSlots` in order (the PyTorch state_dict order).
/// Non-trainable state (BatchNorm running statistics) lives likewise in a flat buffer of
/// `bufferSlots`.
///
/// Backward contract: given x, y = f(x) and dy = ∂L/∂y, write dx = ∂L/∂x (when `dx` is non-nil;
/// overwritten) and ADD ∂L/∂θ to `parameterGradient` (when non-nil), summed over the batch.
public protocol Layer: Sendable, CustomStringConvertible {
    var inputShape: [Int] { get }
    var outputShape: [Int] { get }
    var parameterSlots: [TensorSlot] { get }
    var bufferSlots: [TensorSlot] { get }

    /// Fills the layer's parameters and buffers according to `scheme`, drawing from `rng`.
    func initialize(parameters: UnsafeMutableBufferPointer<Float>, buffers: UnsafeMutableBufferPointer<Float>,
                    scheme: Initialization, rng: RandomGenerator)

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                 parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                 mode: LayerMode, scratch: LayerScratch)

    func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                  _ dx: UnsafeMutablePointer<Float>?, batch: Int,
                  parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                  buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch)
}

extension Layer {
    public var parameterCount: Int { parameterSlots.reduce(0) { $0 + $1.count } }
    public var bufferCount: Int { bufferSlots.reduce(0) { $0 + $1.count } }
    public var inputSize: Int { inputShape.reduce(1, *) }
    public var outputSize: Int { outputShape.reduce(1, *) }
    public var bufferSlots: [TensorSlot] { [] }

    public func initialize(parameters: UnsafeMutableBufferPointer<Float>, buffers: UnsafeMutableBufferPointer<Float>,
                           scheme: Initialization, rng: RandomGenerator) {}
}
