import Connectivity
import Foundation
import NetworkCore
import Support

/// The frozen classifier of an input-space experiment and the real images the protocol draws from
/// (Vrabel et al. 2025, §3): test images the model classifies correctly, grouped by class.
///
/// Each class's pool is split by position into references (even positions) and examples (odd
/// positions), so detection never uses an example as its own reference.
public struct CorrectlyClassifiedImages: Sendable {
    public let classifier: NetworkClassifier
    public let dataset: Dataset
    /// [class] indices into `dataset` of correctly classified test images.
    public let byClass: [[Int]]

    /// Which part of a class's pool to draw from.
    public enum Pool: Sendable { case all, references, examples }

    /// Loads the network (which must be a single one) and the test split of `data`, and groups
    /// the correctly classified images. `onlyClass`, when given, must be an output of the model,
    /// and (when `needsImages`) have two such images.
    public static func load(network: NetworkSource, data: DataSource, onlyClass: Int? = nil, needsImages: Bool = true,
                            settings: RunSettings) throws -> CorrectlyClassifiedImages {
        let net = try network.sequential(0, seed: settings.seed, generator: settings.generator)
        if let c = onlyClass, c < 0 || c >= net.outputSize {
            throw ModeLatticeError.invalid("onlyClass", "\(c) is outside the model's outputs 0..<\(net.outputSize)")
        }
        let test = try data.load(.test)
        try DataSource.check(test, fits: net)
        let classifier = NetworkClassifier(net)
        let predicted = try classifier.predictions(test.images, count: test.count)
        var byClass = [[Int]](repeating: [], count: net.outputSize)
        for i in 0..<test.count where Int(test.labels[i]) == predicted[i] { byClass[predicted[i]].append(i) }
        if needsImages, let c = onlyClass, byClass[c].count < 2 {
            throw ModeLatticeError.data("dataset '\(test.name)' has fewer than two correctly classified test images of class \(c)")
        }
        return CorrectlyClassifiedImages(classifier: classifier, dataset: test, byClass: byClass)
    }

    /// Classes with at least `minimum` correctly classified images.
    public func usableClasses(minimum: Int) -> [Int] { byClass.indices.filter { byClass[$0].count >= minimum } }

    /// Image `index` of the dataset, [input size].
    public func image(_ index: Int) -> [Float] {
        let d = dataset.exampleSize
        return Array(dataset.images[(index * d)..<((index + 1) * d)])
    }

    /// A uniformly random correctly classified image of class `c` from `pool`, other than `excluding`.
    public func randomImage(of c: Int, rng: RandomGenerator, excluding: Set<Int> = [], pool: Pool = .all) -> Int {
        let candidates = self.pool(c, pool).filter { !excluding.contains($0) }
        return candidates[rng.uniformInt(candidates.count)]
    }

    /// The references (even positions) or examples (odd positions) of class `c`, or all of them.
    public func pool(_ c: Int, _ which: Pool) -> [Int] {
        let all = byClass[c]
        switch which {
        case .all: return all
        case .references: return stride(from: 0, to: all.count, by: 2).map { all[$0] }
        case .examples: return stride(from: 1, to: all.count, by: 2).map { all[$0] }
        }
    }
}

/// Small helpers the input-space experiments share for their tables and notes.
enum InputTables {
    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func double(_ v: Double?) -> Cell { v.map { .double($0) } ?? .empty }

    /// The network must be one: a model file or a single untrained architecture.
    static func validateSingle(_ network: NetworkSource) throws {
        try network.validate()
        guard network.networkCount == 1 else { throw ModeLatticeError.invalid("networks", "must be 1 here (got \(network.networks))") }
    }

    static func validatePoints(_ points: Int) throws {
        guard points >= 2 else { throw ModeLatticeError.invalid("points", "must be at least 2 (got \(points))") }
    }
}
