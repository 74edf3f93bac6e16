import Foundation
import NetworkCore
import Support

/// K independently trained minima of one architecture — the endpoints of every parameter-space
/// path (Lin, Li & Wu, arXiv 2404.06391, Sec. 5: minima from different random seeds).
///
/// Minimum k is initialized and shuffled with `SeedSequence.derive(seed, stream: "minimum", index: k)`
/// and trained with `training` (its seed replaced by that one), so minimum k is the same whatever
/// K is. With a `directory`, minimum k is saved as `minimum_k.safetensors` (metadata: spec, seed,
/// epochs) right after it is trained, and an existing file is loaded instead of retrained (resume);
/// a file whose spec, seed or epochs differ from the request is an error (exit 65), never silently
/// reused.
public enum MinimaTraining {
    public static func fileName(_ k: Int) -> String { "minimum_\(k).safetensors" }

    public static func seed(root: UInt64, minimum k: Int) -> UInt64 {
        SeedSequence.derive(root, stream: "minimum", index: k)
    }

    /// Trains (or loads) minima 0..<count. `onTrained(k, reused)` after each.
    public static func minima(spec: String, count: Int, train: Dataset, training: TrainingConfiguration,
                              initialization: Initialization = .pytorchDefault, directory: String?,
                              onStep: (Int, Int) -> Void = { _, _ in },
                              onMinimum: (Int, Bool) -> Void = { _, _ in }) throws -> [Sequential] {
        guard count >= 1 else { throw ModeLatticeError.usage("need at least one minimum (got \(count))") }
        let template = try ArchitectureSpec.build(spec)
        if let directory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var out: [Sequential] = []
        for k in 0..<count {
            let s = seed(root: training.seed, minimum: k)
            let path = directory.map { $0 + "/" + fileName(k) }
            if let path, FileManager.default.fileExists(atPath: path) {
                out.append(try load(path, spec: template.spec, seed: s, epochs: training.epochs))
                onMinimum(k, true)
                continue
            }
            var model = template
            try model.initialize(initialization, seed: s, generator: training.generator)
            var c = training
            c.seed = s
            _ = try Training.train(&model, on: train, configuration: c, onStep: onStep)
            if let path {
                try ModelFile.save(model, to: path, metadata: ["seed": String(s), "epochs": String(training.epochs),
                                                               "dataset": train.name])
            }
            out.append(model)
            onMinimum(k, false)
        }
        return out
    }

    /// Loads a saved minimum and checks it is the one asked for.
    static func load(_ path: String, spec: String, seed: UInt64, epochs: Int) throws -> Sequential {
        let file = try SafeTensors.read(from: path)
        let fileSpec = file.metadata[ModelFile.specKey] ?? "?"
        guard fileSpec == spec else {
            throw ModeLatticeError.data("minima file '\(path)' holds spec '\(fileSpec)', not '\(spec)'; use another minima directory")
        }
        guard file.metadata["seed"] == String(seed), file.metadata["epochs"] == String(epochs) else {
            throw ModeLatticeError.data("minima file '\(path)' was trained with seed \(file.metadata["seed"] ?? "?") and \(file.metadata["epochs"] ?? "?") epochs, not seed \(seed) and \(epochs) epochs; use another minima directory")
        }
        do { return try ModelFile.decode(file) } catch let e as ModeLatticeError {
            throw ModeLatticeError.data("minima file '\(path)': \(e.message)")
        }
    }
}
