/// Multinomial logistic regression f(x) = W x + b, an ``InputClassifier`` whose loss along any
/// path is known in closed form: on the line x(α) = (1−α)A + αC the logits are affine in α,
/// z(α) = (1−α)z(A) + αz(C), so CE(x(α), c) = logsumexp(z(α)) − z_c(α) is convex in α and its
/// maximum over [0,1] is at an endpoint (zero barrier gap). ∂CE/∂x = Wᵀ(softmax(z) − e_c).
public struct SoftmaxLinearClassifier: InputClassifier {
    public let inputShape: [Int]
    public let classCount: Int
    /// [classCount, inputSize], row-major like PyTorch's Linear weight.
    public let weight: [Float]
    /// [classCount]
    public let bias: [Float]

    public init(inputShape: [Int], classCount: Int, weight: [Float], bias: [Float]) {
        precondition(weight.count == classCount * inputShape.reduce(1, *) && bias.count == classCount)
        self.inputShape = inputShape
        self.classCount = classCount
        self.weight = weight
        self.bias = bias
    }

    public func logits(_ inputs: [Float], count: Int) throws -> [Float] {
        let n = inputSize, k = classCount
        var out = [Float](repeating: 0, count: count * k)
        for i in 0..<count {
            for c in 0..<k {
                var s = Double(bias[c])
                for j in 0..<n { s += Double(weight[c * n + j]) * Double(inputs[i * n + j]) }
                out[i * k + c] = Float(s)
            }
        }
        return out
    }

    public func crossEntropyWithInputGradient(_ inputs: [Float], targets: [Int]) throws -> (losses: [Float], gradients: [Float]) {
        let n = inputSize, k = classCount
        let z = try logits(inputs, count: targets.count)
        var losses = [Float](repeating: 0, count: targets.count)
        var grads = [Float](repeating: 0, count: targets.count * n)
        for i in targets.indices {
            let row = (0..<k).map { Double(z[i * k + $0]) }
            let m = row.max()!
            let e = row.map { exp($0 - m) }
            let s = e.reduce(0, +)
            losses[i] = Float(m + log(s) - row[targets[i]])
            for c in 0..<k {
                let delta = e[c] / s - (c == targets[i] ? 1 : 0)
                for j in 0..<n { grads[i * n + j] += Float(delta) * weight[c * n + j] }
            }
        }
        return (losses, grads)
    }
}

import Foundation
