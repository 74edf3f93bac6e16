import Foundation
import Support

/// Lines through an anchor along axes of the full-dimensional lattice anchor + h·Z^n, scored
/// through the network for ``AxisCorrelation``: for each chosen axis j (a seeded GSL sample of
/// `axes` distinct input axes, without replacement), the 2R + 1 sites a + t h e_j, t = −R … R,
/// all in one batch. Each site gets the target's cross-entropy in Double (``TargetScore``) and the
/// predicted class, from which the caller forms the open indicator of its rule.
public struct AxisLineSampler: Sendable {
    public var anchor: [Float]
    public var spacing: Double
    public var maxLag: Int
    public var axes: [Int]

    public init(anchor: [Float], spacing: Double, maxLag: Int, axes count: Int, rng: RandomGenerator) throws {
        guard spacing > 0, spacing.isFinite else { throw ModeLatticeError.usage("spacing must be positive (got \(spacing))") }
        guard maxLag >= 1 else { throw ModeLatticeError.usage("the largest lag must be at least 1 (got \(maxLag))") }
        guard count >= 1, count <= anchor.count else {
            throw ModeLatticeError.usage("axes must lie in 1...\(anchor.count) (got \(count))")
        }
        self.anchor = anchor
        self.spacing = spacing
        self.maxLag = maxLag
        var all = Array(0..<anchor.count)
        rng.shuffle(&all)
        self.axes = Array(all.prefix(count)).sorted()
    }

    /// Per line (one per axis): the scores (CE in Double) and predicted classes at t = −R … R.
    public func sample(classifier: any InputClassifier, target: Int) throws -> (loss: [[Double]], predicted: [[Int]]) {
        let n = anchor.count, w = 2 * maxLag + 1, rows = axes.count * w
        guard classifier.inputSize == n else {
            throw ModeLatticeError.data("the anchor has \(n) values but the model takes \(classifier.inputSize)")
        }
        guard target >= 0, target < classifier.classCount else {
            throw ModeLatticeError.usage("class \(target) is not an output of the model (it has \(classifier.classCount) classes)")
        }
        var inputs = [Float](repeating: 0, count: rows * n)
        for (a, j) in axes.enumerated() {
            for t in 0..<w {
                let o = (a * w + t) * n
                for i in 0..<n { inputs[o + i] = anchor[i] }
                inputs[o + j] = Float(Double(anchor[j]) + spacing * Double(t - maxLag))
            }
        }
        let z = try classifier.logits(inputs, count: rows)
        let k = classifier.classCount
        var loss: [[Double]] = [], predicted: [[Int]] = []
        z.withUnsafeBufferPointer { buf in
            for a in 0..<axes.count {
                let s = (0..<w).map { TargetScore(UnsafeBufferPointer(rebasing: buf[((a * w + $0) * k)..<((a * w + $0 + 1) * k)]), target: target) }
                loss.append(s.map(\.loss))
                predicted.append(s.map(\.predicted))
            }
        }
        return (loss, predicted)
    }

    /// The open indicator (1/0) of lines for a growth rule: class → predicted == target;
    /// loss:τ → score < τ; shell-quantile → score ≤ `threshold` (the growth's τ; key tie-breaks
    /// ignored). nil for iid, whose indicator does not come from the network.
    public static func indicator(loss: [[Double]], predicted: [[Int]], rule: GrowthOpenRule, target: Int,
                                 threshold: Double?) -> [[Double]]? {
        switch rule {
        case .predictedClass: return predicted.map { $0.map { $0 == target ? 1 : 0 } }
        case .loss(let t): return loss.map { $0.map { $0 < t ? 1 : 0 } }
        case .shellQuantile:
            guard let threshold else { return nil }
            return loss.map { $0.map { $0 <= threshold ? 1 : 0 } }
        case .iid: return nil
        }
    }
}
