import Foundation
import Support

/// An ``Experiment`` type behind a uniform face, so the catalog can run any of them by name:
/// a configuration arrives as JSON overrides, is laid over the type's defaults (`init()`), checked
/// for misspelt fields, decoded, fingerprinted and run.
public struct RegisteredExperiment: Sendable {
    public let identifier: String
    public let revision: Int
    public let columns: [String]
    public let extraTables: [String: [String]]
    /// The encoded default configuration: every field with its default.
    public let defaults: JSONValue
    private let fingerprintBody: @Sendable (JSONValue, RunSettings) throws -> String
    private let runBody: @Sendable (JSONValue, ExperimentOutputs, RunSettings, [String], CatalogProvenance?) throws -> ExperimentRunSummary

    public init<E: Experiment>(_ experiment: E) throws {
        identifier = E.identifier
        revision = E.revision
        columns = E.columns
        extraTables = E.extraTables
        defaults = try JSONValue(encoding: E.Configuration())
        fingerprintBody = { overrides, settings in
            try ExperimentRunner.fingerprint(E.self, try Self.configuration(E.self, overrides), seed: settings.seed,
                                             generator: settings.generator, replicates: settings.replicates)
        }
        runBody = { overrides, outputs, settings, commandLine, catalog in
            try ExperimentRunner.run(experiment, try Self.configuration(E.self, overrides), outputs: outputs,
                                     settings: settings, commandLine: commandLine, catalog: catalog)
        }
    }

    /// The configuration of `E` given by `overrides` over its defaults. A field that `E` does not
    /// have, or a value of the wrong type, is a data error naming it.
    public static func configuration<E: Experiment>(_ type: E.Type, _ overrides: JSONValue) throws -> E.Configuration {
        // A configuration that names a protocol is laid over that protocol's preset, not over init().
        var base = E.Configuration()
        if let presets = E.Configuration.self as? any PresetSelectingConfiguration.Type {
            do {
                if let preset = try presets.presetDefaults(for: overrides) as? E.Configuration { base = preset }
            } catch {
                throw ModeLatticeError.data("\(E.identifier): invalid configuration: \(DecodingDescription.describe(error))")
            }
        }
        let defaults = try JSONValue(encoding: base)
        let merged = defaults.overlaid(with: overrides)
        let configuration: E.Configuration
        do { configuration = try merged.decode(E.Configuration.self) } catch {
            throw ModeLatticeError.data("\(E.identifier): invalid configuration: \(DecodingDescription.describe(error))")
        }
        let unknown = overrides.keyPaths(missingFrom: try JSONValue(encoding: configuration))
        guard unknown.isEmpty else {
            throw ModeLatticeError.data("\(E.identifier) has no configuration field \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (it has \(Self.fieldList(defaults)))")
        }
        return configuration
    }

    public func fingerprint(_ overrides: JSONValue, settings: RunSettings) throws -> String {
        try fingerprintBody(overrides, settings)
    }

    @discardableResult
    public func run(_ overrides: JSONValue, outputs: ExperimentOutputs, settings: RunSettings, commandLine: [String],
                    catalog: CatalogProvenance?) throws -> ExperimentRunSummary {
        try runBody(overrides, outputs, settings, commandLine, catalog)
    }

    static func fieldList(_ value: JSONValue) -> String {
        guard case .object(let o) = value else { return "no fields" }
        return o.keys.sorted().joined(separator: ", ")
    }
}

/// One-line descriptions of `DecodingError`s for users.
public enum DecodingDescription {
    public static func describe(_ error: Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map(\.stringValue).filter { !$0.isEmpty }.joined(separator: ".")
            return p.isEmpty ? "the top level" : "'\(p)'"
        }
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "invalid value at \(path(context)): \(context.debugDescription)"
        case let e as ModeLatticeError: return e.message
        default: return "\(error)"
        }
    }
}
