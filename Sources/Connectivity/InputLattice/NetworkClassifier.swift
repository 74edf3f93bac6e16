import NetworkCore
import Support

/// A NetworkCore ``Sequential`` model seen as an ``InputClassifier``: logits by its batched forward
/// pass (BLAS sgemm), CE and ∂CE/∂x by its backward pass. Safe from several threads (each call uses
/// its own workspace; the model is a value).
public struct NetworkClassifier: InputClassifier {
    public let model: Sequential

    public init(model: Sequential) { self.model = model }

    public var inputShape: [Int] { model.inputShape }
    public var classCount: Int { model.outputSize }

    public func logits(_ inputs: [Float], count: Int) throws -> [Float] {
        guard inputs.count == count * model.inputSize else {
            throw ModeLatticeError.software("\(inputs.count) input values for \(count) inputs of size \(model.inputSize)")
        }
        return model.outputs(inputs, count: count)
    }

    public func crossEntropyWithInputGradient(_ inputs: [Float], targets: [Int]) throws -> (losses: [Float], gradients: [Float]) {
        guard inputs.count == targets.count * model.inputSize else {
            throw ModeLatticeError.software("\(inputs.count) input values for \(targets.count) inputs of size \(model.inputSize)")
        }
        let r = model.crossEntropy(inputs, labels: targets.map { Int32($0) }, inputGradient: true)
        return (r.losses, r.gradient)
    }
}
