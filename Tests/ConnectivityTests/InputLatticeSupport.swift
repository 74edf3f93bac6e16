@testable import Connectivity
import Foundation
import NetworkCore
import Support

/// A two-class softmax-linear classifier on R^n: its class-0 region {(w_0 − w_1)·x + b_0 − b_1 > 0}
/// is a half-space, and so is every sub-level set of CE for class 0.
func halfSpaceClassifier(n: Int, seed: UInt64) throws -> SoftmaxLinearClassifier {
    let rng = try RandomGenerator(seed: seed)
    let w = (0..<(2 * n)).map { _ in Float(rng.gaussian()) }
    return SoftmaxLinearClassifier(inputShape: [n], classCount: 2, weight: w, bias: [0.3, -0.2])
}

func randomMLP(_ spec: String = "mlp:20-16-16-4", seed: UInt64 = 5) throws -> NetworkClassifier {
    NetworkClassifier(try Sequential.random(spec: spec, seed: seed))
}

func gaussianVector(_ n: Int, seed: UInt64, scale: Double = 1) throws -> [Float] {
    let rng = try RandomGenerator(seed: seed)
    return (0..<n).map { _ in Float(rng.gaussian(sigma: scale)) }
}
