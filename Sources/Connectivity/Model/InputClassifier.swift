/// A frozen classifier seen as a function of its input: the object every input-space measurement
/// (loss along paths, barriers, bypasses, synthetic and adversarial inputs, input lattices) works on.
///
/// The loss at input x for target class c is the softmax cross-entropy
///     CE(x, c) = −log softmax(f(x))_c = logsumexp(f(x)) − f(x)_c,
/// and measurements need it batched, with its gradient ∂CE/∂x per example (no batch averaging).
/// NetworkCore's models conform through an adapter; ``SoftmaxLinearClassifier`` is an analytic
/// conformer for tests. Conformers must be safe to call from several threads at once.
///
/// Shapes: `inputs` holds `count` inputs back to back, [count, inputSize] in C order (an image is
/// [C, H, W] as in PyTorch's NCHW); logits are [count, classCount].
public protocol InputClassifier: Sendable {
    /// Shape of one input without the batch axis, e.g. [784] or [1, 28, 28].
    var inputShape: [Int] { get }
    var classCount: Int { get }
    /// Logits [count, classCount] of `count` inputs [count, inputSize].
    func logits(_ inputs: [Float], count: Int) throws -> [Float]
    /// Per-example CE of `targets[i]` at input i, and ∂CE_i/∂x_i: ([count], [count, inputSize]).
    func crossEntropyWithInputGradient(_ inputs: [Float], targets: [Int]) throws -> (losses: [Float], gradients: [Float])
}

extension InputClassifier {
    /// Elements per input (the product of ``inputShape``).
    public var inputSize: Int { inputShape.reduce(1, *) }

    /// Per-example CE of `targets` (no gradient), computed stably from the logits in Double.
    public func crossEntropy(_ inputs: [Float], targets: [Int]) throws -> [Double] {
        let z = try logits(inputs, count: targets.count)
        let k = classCount
        return targets.indices.map { i in
            let row = z[(i * k)..<((i + 1) * k)].map(Double.init)
            let m = row.max() ?? 0
            let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
            return lse - row[targets[i]]
        }
    }

    /// Predicted classes (argmax of the logits; the lowest index wins ties).
    public func predictions(_ inputs: [Float], count: Int) throws -> [Int] {
        let z = try logits(inputs, count: count)
        let k = classCount
        return (0..<count).map { i in
            var best = 0
            for c in 1..<k where z[i * k + c] > z[i * k + best] { best = c }
            return best
        }
    }
}

import Foundation
