import Foundation
import Support

/// Scores many input points through an ``InputClassifier`` in bounded memory: the points are
/// generated batch by batch by a closure (site index → input), pushed through
/// `classifier.logits`, and reduced at once to the predicted class and the CE of the target,
///     CE(x, c) = logsumexp f(x) − f_c(x)   (in Double, max-shifted),
/// so memory is O(batch · inputSize) per thread plus 6 bytes a site for the result. Batches are
/// independent and results are stored by site index, so the output is the same for any thread
/// count.
public struct SiteEvaluator: Sendable {
    public var classifier: any InputClassifier
    /// Sites per batch (inputs [batch, inputSize] are built at once).
    public var batch: Int
    public var threads: Int

    public init(classifier: any InputClassifier, batch: Int = 1024, threads: Int = 1) {
        self.classifier = classifier
        self.batch = max(1, batch)
        self.threads = max(1, threads)
    }

    /// Scores of `count` sites for class `target`; `fill(site, buffer)` writes site's input into
    /// `buffer` (inputSize floats).
    public func evaluate(count: Int, target: Int,
                         fill: @escaping @Sendable (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws -> SiteScores {
        let n = classifier.inputSize, k = classifier.classCount
        let classifier = self.classifier, batch = self.batch
        let batches = (count + batch - 1) / batch
        let parts = try ParallelMap.map(count: batches, threads: threads) { b -> ([Int16], [Float]) in
            let start = b * batch, m = min(batch, count - start)
            var inputs = [Float](repeating: 0, count: m * n)   // [m, n]
            inputs.withUnsafeMutableBufferPointer { buf in
                for i in 0..<m {
                    fill(start + i, UnsafeMutableBufferPointer(rebasing: buf[(i * n)..<((i + 1) * n)]))
                }
            }
            let z = try classifier.logits(inputs, count: m)   // [m, k]
            return SiteEvaluator.reduce(z, count: m, classes: k, target: target)
        }
        var predicted = [Int16](), loss = [Float]()
        predicted.reserveCapacity(count); loss.reserveCapacity(count)
        for (p, l) in parts { predicted += p; loss += l }
        return SiteScores(target: target, predicted: predicted, loss: loss)
    }

    /// Argmax (lowest index on ties, as ``InputClassifier/predictions(_:count:)``) and CE of
    /// `target` for each row of logits [count, classes].
    static func reduce(_ z: [Float], count m: Int, classes k: Int, target: Int) -> ([Int16], [Float]) {
        var predicted = [Int16](repeating: 0, count: m)
        var loss = [Float](repeating: 0, count: m)
        for i in 0..<m {
            var best = 0
            var mx = z[i * k]
            for c in 1..<k where z[i * k + c] > mx { mx = z[i * k + c]; best = c }
            var s = 0.0
            for c in 0..<k { s += exp(Double(z[i * k + c]) - Double(mx)) }
            predicted[i] = Int16(best)
            loss[i] = Float(Double(mx) + log(s) - Double(z[i * k + target]))
            if !loss[i].isFinite { loss[i] = .infinity }
        }
        return (predicted, loss)
    }
}
