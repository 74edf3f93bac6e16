import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// Options shared by the `input` subcommands: the model file and the dataset its inputs come from.
struct InputModelOptions: ParsableArguments {
    @Option(help: "Model file (.safetensors; ours or a PyTorch export).") var model: String
    @Option(help: "Architecture spec when the model file has none in its metadata.") var spec: String?
    @OptionGroup var data: DatasetOptions
    @Option(help: "Points per straight path (and per bypass segment).") var points: Int = 250

    /// ArgumentParser runs this for every command that includes the group.
    func validate() throws {
        if points < 2 { throw ValidationError("--points must be at least 2 (got \(points)).") }
    }
}

/// The frozen classifier and the real images (test split) the protocol draws from.
///
/// Real inputs are test images the model classifies correctly, grouped by class; the pool is split
/// by position within each class into references (even positions) and examples (odd positions),
/// so detection never uses an example as its own reference.
struct InputWorld: Sendable {
    let classifier: NetworkClassifier
    let dataset: Dataset
    /// [class] indices into `dataset` of correctly classified test images.
    let byClass: [[Int]]

    static func load(_ options: InputModelOptions, classOption: Int? = nil, needsImages: Bool = true) throws -> InputWorld {
        let net = try NetworkIO.loadModel(options.model, spec: options.spec)
        if let c = classOption, c < 0 || c >= net.outputSize {
            throw ModeLatticeError.usage("--class \(c) is outside the model's outputs 0..<\(net.outputSize)")
        }
        let test = try options.data.load(.test)
        try NetworkIO.check(test, fits: net)
        let classifier = NetworkClassifier(net)
        let predicted = try classifier.predictions(test.images, count: test.count)
        var byClass = [[Int]](repeating: [], count: net.outputSize)
        for i in 0..<test.count where Int(test.labels[i]) == predicted[i] { byClass[predicted[i]].append(i) }
        let world = InputWorld(classifier: classifier, dataset: test, byClass: byClass)
        if needsImages, let c = classOption, byClass[c].count < 2 {
            throw ModeLatticeError.data("dataset '\(test.name)' has fewer than two correctly classified test images of class \(c)")
        }
        return world
    }

    /// Classes with at least `minimum` correctly classified images.
    func usableClasses(minimum: Int) -> [Int] { byClass.indices.filter { byClass[$0].count >= minimum } }

    func image(_ index: Int) -> [Float] {
        let d = dataset.exampleSize
        return Array(dataset.images[(index * d)..<((index + 1) * d)])
    }

    /// A uniformly random correctly classified image of class `c`, other than `excluding`.
    func randomImage(of c: Int, rng: RandomGenerator, excluding: Set<Int> = [], pool: Pool = .all) -> Int {
        let candidates = self.pool(c, pool).filter { !excluding.contains($0) }
        return candidates[rng.uniformInt(candidates.count)]
    }

    enum Pool { case all, references, examples }

    func pool(_ c: Int, _ which: Pool) -> [Int] {
        let all = byClass[c]
        switch which {
        case .all: return all
        case .references: return stride(from: 0, to: all.count, by: 2).map { all[$0] }
        case .examples: return stride(from: 1, to: all.count, by: 2).map { all[$0] }
        }
    }
}

/// Writes a table with its sidecar; removes the run's checkpoint afterwards.
enum InputOutput {
    static func parameters(_ pairs: [(String, CustomStringConvertible?)]) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in pairs { if let v { out[k] = v.description } }
        return out
    }

    static func fingerprint(_ command: String, _ parameters: [String: String], seed: UInt64, generator: String) -> String {
        ([command, "seed=\(seed)", "rng=\(generator)"] + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            .joined(separator: ";")
    }

    static func double(_ v: Double?) -> Cell { v.map { .double($0) } ?? .empty }
}
