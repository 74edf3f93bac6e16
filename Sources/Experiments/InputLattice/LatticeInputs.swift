import Connectivity
import Foundation
import NetworkCore
import Support

/// Anchors of input lattices: a real test image, a synthetic input of the target class (feature
/// visualization from 0.01·N(0,1), see ``FeatureVisualization``), or the origin (a cone apex for
/// bias-free ReLU networks, offered to show the trivial connection there).
public enum LatticeAnchor: String, Codable, Sendable, CaseIterable {
    case real, synthetic, origin

    /// The anchor of unit `index` of network `k`.
    public func anchor(net: NetworkClassifier, data: Dataset?, seed: UInt64, stream: String, index: Int,
                       targetClass: Int?, network k: Int) throws -> [Float] {
        switch self {
        case .real: return LatticeData.image(data!, seed: seed, stream: stream, index: index).image
        case .origin: return [Float](repeating: 0, count: net.inputSize)
        case .synthetic:
            let rng = try RandomGenerator(seed: SeedSequence.derive(seed, stream: stream + "-synthetic", index: index))
            return try FeatureVisualization().synthesize(classifier: net, target: targetClass ?? k % net.classCount, rng: rng).input
        }
    }
}

/// Test images as lattice anchors and pair endpoints, and the data's length scale.
public enum LatticeData {
    /// Median Euclidean norm of the first `count` examples: the length scale of the data.
    public static func medianNorm(_ data: Dataset, count: Int = 1000) -> Double {
        let n = data.exampleSize, m = min(count, data.count)
        var norms = (0..<m).map { i -> Double in
            var s = 0.0
            for j in 0..<n { let v = Double(data.images[i * n + j]); s += v * v }
            return s.squareRoot()
        }
        norms.sort()
        return m % 2 == 1 ? norms[m / 2] : (norms[m / 2 - 1] + norms[m / 2]) / 2
    }

    /// Test image chosen for unit `index` of `stream`.
    public static func image(_ data: Dataset, seed: UInt64, stream: String, index: Int) -> (index: Int, image: [Float]) {
        let i = Int(SeedSequence.derive(seed, stream: stream, index: index) % UInt64(data.count))
        let n = data.exampleSize
        return (i, Array(data.images[(i * n)..<((i + 1) * n)]))
    }

    /// The test split for networks of `inputSize` inputs.
    public static func testData(_ source: DataSource, inputSize: Int) throws -> Dataset {
        let data = try source.load(.test)
        guard data.exampleSize == inputSize else {
            throw ModeLatticeError.data("the model takes inputs of \(inputSize) values but \(data.name) has \(data.exampleSize)-value images")
        }
        return data
    }

    /// Same-class pairs of real test images: A uniform; its predicted class c; C the first of a
    /// random sequence of other test images the network also assigns to c.
    public static func realPair(data: Dataset, classifier: any InputClassifier, rng: RandomGenerator) throws -> ([Float], [Float], Int) {
        let n = data.exampleSize
        func image(_ i: Int) -> [Float] { Array(data.images[(i * n)..<((i + 1) * n)]) }
        let ia = rng.uniformInt(data.count)
        let a = image(ia)
        let cls = try classifier.predictions(a, count: 1)[0]
        for _ in 0..<32 {
            let candidates = (0..<256).map { _ in rng.uniformInt(data.count) }.filter { $0 != ia }
            let batch = candidates.flatMap { image($0) }
            let predicted = try classifier.predictions(batch, count: candidates.count)
            if let j = predicted.firstIndex(of: cls) { return (a, image(candidates[j]), cls) }
        }
        throw ModeLatticeError.data("no second test image of predicted class \(cls) among 8192 draws")
    }
}

/// Integer lists as users write them: `1-7`, `1,2,4` or `3`.
public enum IntegerList {
    public static func parse(_ text: String, field: String) throws -> [Int] {
        var out: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]), a <= b {
                out += Array(a...b)
            } else if bounds.count == 1, let a = Int(bounds[0]) {
                out.append(a)
            } else {
                throw ModeLatticeError.invalid(field, "cannot be read from '\(text)'; write a range like 1-7 or a list like 1,2,4")
            }
        }
        guard !out.isEmpty else { throw ModeLatticeError.invalid(field, "is empty") }
        return out
    }
}

/// Lists of numbers as users write them: `0.3,3,30`.
public enum DoubleList {
    public static func parse(_ text: String, field: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ModeLatticeError.invalid(field, "cannot be read from '\(text)'; write numbers separated by commas, e.g. 0.05,0.1")
        }
        return values.map { $0! }
    }
}
