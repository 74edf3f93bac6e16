import Connectivity
import Support

/// A setting that a named connectivity protocol fixes, and the value a configuration has instead.
public struct PresetConflict: Sendable, Equatable {
    /// The configuration field (the CLI maps it to its flag).
    public var field: String
    /// The value the protocol fixes, as canonical JSON.
    public var fixed: String
    /// The value the configuration has, as canonical JSON.
    public var got: String
}

/// A configuration whose settings a named protocol (``ConnectivityProtocol``: our `modelattice`, or
/// the seed paper's published `vrabel2024`) can fix.
///
/// Semantics: with `protocol` nil (the default) the settings are ours and every field may be
/// changed. Naming a protocol fixes every setting it covers: ``applyingPreset(_:)`` sets them,
/// and ``validatePreset()`` rejects a configuration that names a protocol but contradicts one of
/// them, naming the field (so a catalog entry or a command line cannot silently run a mixture and
/// call it the paper's protocol).
public protocol ProtocolConfigurable: PresetSelectingConfiguration {
    /// The named protocol whose settings the configuration follows (nil: ours, all adjustable).
    var `protocol`: ConnectivityProtocol? { get set }
    /// This configuration with `protocol` = `p` and every setting `p` fixes set to its value.
    func applyingPreset(_ p: ConnectivityProtocol) -> Self
    /// The settings `p` fixes, as (field, value under `p`, value here) in canonical JSON.
    func presetFields(_ p: ConnectivityProtocol) throws -> [(field: String, fixed: JSONValue, got: JSONValue)]
}

extension ProtocolConfigurable {
    /// The fixed settings that this configuration contradicts (none when no protocol is named).
    public func presetConflicts() throws -> [PresetConflict] {
        guard let p = self.protocol else { return [] }
        return try presetFields(p).filter { $0.fixed != $0.got }
            .map { PresetConflict(field: $0.field, fixed: $0.fixed.canonicalText, got: $0.got.canonicalText) }
    }

    /// Throws a usage error naming the first field that contradicts the named protocol.
    public func validatePreset() throws {
        guard let p = self.protocol, let c = try presetConflicts().first else { return }
        throw ModeLatticeError.invalid(c.field, "contradicts protocol \(p.rawValue), which fixes it at \(c.fixed) (got \(c.got))")
    }

    /// Decoding helper for the catalog: the defaults a configuration's JSON overrides are laid
    /// over. When the overrides name a protocol, its preset is applied to `init()` with the
    /// overrides already laid on, so a preset that depends on other settings (the bypass mode of
    /// pairs) follows the overrides' values, not the defaults'.
    public static func presetDefaults(for overrides: JSONValue) throws -> Self {
        guard case .object(let fields) = overrides, let name = fields["protocol"] else { return Self() }
        let p = try name.decode(ConnectivityProtocol.self)
        let overridden = try JSONValue(encoding: Self()).overlaid(with: overrides).decode(Self.self)
        return overridden.applyingPreset(p)
    }
}

/// A (field, fixed, got) triple of ``ProtocolConfigurable/presetFields(_:)`` from typed values.
func presetField<T: Encodable>(_ field: String, _ fixed: T, _ got: T) throws -> (field: String, fixed: JSONValue, got: JSONValue) {
    (field, try JSONValue(encoding: fixed), try JSONValue(encoding: got))
}
