/// Per-thread memory for forward and backward passes of one model at batch sizes up to `capacity`.
///
/// activations[i] [capacity, size of layer i's input] holds layer i's input (activations[0] is a
/// copy of the batch; activations[L] the output); two gradient buffers of the largest activation
/// size alternate as dy/dx going backward. ``parameterGradient`` [P] receives ∂L/∂θ in the same
/// layout as `Sequential.parameters`; ``inputGradient`` [capacity, input size] receives ∂L/∂x.
/// Not thread-safe: give each thread its own workspace.
public final class Workspace {
    public let capacity: Int
    let sizes: [Int]                        // per-example activation sizes, [L + 1]
    let activations: [UnsafeMutablePointer<Float>]
    let gradA: UnsafeMutablePointer<Float>, gradB: UnsafeMutablePointer<Float>
    let scratch: [LayerScratch]
    /// ∂L/∂θ [P] after ``Sequential/backward(_:batch:workspace:inputGradient:parameterGradient:accumulate:)``.
    public var parameterGradient: [Float]
    /// Points at ∂L/∂x [batch, input size] after a backward pass that asked for it.
    public private(set) var inputGradient: UnsafeMutablePointer<Float>
    let dummy: UnsafeMutablePointer<Float>

    public init(model: Sequential, capacity: Int) {
        self.capacity = max(1, capacity)
        var sizes = [model.inputSize]
        for layer in model.layers { sizes.append(layer.outputSize) }
        self.sizes = sizes
        activations = sizes.map { UnsafeMutablePointer<Float>.allocate(capacity: $0 * max(1, capacity)) }
        let largest = sizes.max() ?? 1
        gradA = .allocate(capacity: largest * max(1, capacity))
        gradB = .allocate(capacity: largest * max(1, capacity))
        scratch = model.layers.map { _ in LayerScratch() }
        parameterGradient = [Float](repeating: 0, count: model.parameterCount)
        inputGradient = gradA
        dummy = .allocate(capacity: 1)
        dummy.pointee = 0
    }

    deinit {
        activations.forEach { $0.deallocate() }
        gradA.deallocate()
        gradB.deallocate()
        dummy.deallocate()
    }

    /// The network output [batch, output size] of the last forward pass.
    public var output: UnsafeMutablePointer<Float> { activations[activations.count - 1] }

    /// Layer i's input (i = 0: the batch; i = L: the output) of the last forward pass.
    public func activation(_ i: Int) -> UnsafeMutablePointer<Float> { activations[i] }

    func setInputGradient(_ p: UnsafeMutablePointer<Float>) { inputGradient = p }
}
