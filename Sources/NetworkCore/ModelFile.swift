import Foundation
import Support

/// Models on disk: a safetensors file holding the PyTorch state_dict of the ``Sequential`` (F32
/// tensors `0.weight`, `0.bias`, …, BatchNorm buffers included, `num_batches_tracked` as I64) and
/// its architecture spec in `__metadata__["spec"]`.
///
/// Loading a PyTorch export: `safetensors.torch.save_file(model.state_dict(), "m.safetensors",
/// metadata={"spec": "mlp:784-256-10"})` (or give the spec separately). Loading checks the file
/// against the spec and names every missing, extra or misshapen tensor; only BatchNorm's
/// `num_batches_tracked` may be absent.
public enum ModelFile {
    public static let specKey = "spec"

    /// The state_dict of `model` with its spec as metadata.
    public static func encode(_ model: Sequential, metadata extra: [String: String] = [:]) -> SafeTensors {
        var entries: [SafeTensors.Entry] = []
        for e in model.stateEntries {
            if e.name.hasSuffix("num_batches_tracked") {
                let v = Int64(model.buffers[e.range.lowerBound])
                entries.append(.init(name: e.name, dtype: .I64, shape: e.shape, bytes: withUnsafeBytes(of: v.littleEndian) { Array($0) }))
            } else {
                let values = e.trainable ? Array(model.parameters[e.range]) : Array(model.buffers[e.range])
                entries.append(.init(name: e.name, floats: values, shape: e.shape))
            }
        }
        var metadata = extra
        metadata["format"] = "pt"
        metadata[specKey] = model.spec
        return SafeTensors(entries: entries, metadata: metadata)
    }

    /// Saves atomically.
    public static func save(_ model: Sequential, to path: String, metadata: [String: String] = [:]) throws {
        try encode(model, metadata: metadata).write(to: path)
    }

    /// Loads a model file; `spec` overrides (or supplies) the architecture in the file's metadata.
    public static func load(_ path: String, spec: String? = nil) throws -> Sequential {
        let file = try SafeTensors.read(from: path)
        do {
            return try decode(file, spec: spec)
        } catch let error as ModeLatticeError {
            throw ModeLatticeError(error.kind, "'\(path)': \(error.message)")
        }
    }

    public static func decode(_ file: SafeTensors, spec override: String? = nil) throws -> Sequential {
        guard let spec = override ?? file.metadata[specKey] else {
            throw ModeLatticeError.data("no architecture spec in the file's __metadata__[\"spec\"]; give the architecture spec explicitly (e.g. mlp:784-256-10)")
        }
        var model: Sequential
        do { model = try ArchitectureSpec.build(spec) } catch let e as ModeLatticeError {
            throw ModeLatticeError.data(e.message)
        }
        let expected = model.stateEntries
        let expectedNames = Set(expected.map(\.name))
        let extra = file.entries.map(\.name).filter { !expectedNames.contains($0) }.sorted()
        if !extra.isEmpty {
            throw ModeLatticeError.data("tensors \(list(extra)) are not part of spec '\(spec)'")
        }
        let missing = expected.filter { file[$0.name] == nil && !$0.name.hasSuffix("num_batches_tracked") }.map(\.name)
        if !missing.isEmpty {
            throw ModeLatticeError.data("tensors \(list(missing)) of spec '\(spec)' are missing")
        }
        for e in expected {
            guard let entry = file[e.name] else { continue }
            let scalarOK = e.shape.isEmpty && entry.shape.reduce(1, *) == 1
            guard entry.shape == e.shape || scalarOK else {
                throw ModeLatticeError.data("tensor '\(e.name)' has shape \(entry.shape) but spec '\(spec)' needs \(e.shape)")
            }
            let values = entry.floats()
            if e.trainable {
                if let bad = values.firstIndex(where: { !$0.isFinite }) {
                    throw ModeLatticeError.data("tensor '\(e.name)' holds a non-finite value at element \(bad)")
                }
                model.parameters.replaceSubrange(e.range, with: values)
            } else {
                model.buffers.replaceSubrange(e.range, with: values)
            }
        }
        return model
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(6).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 6 ? shown + " and \(names.count - 6) more" : shown
    }
}
