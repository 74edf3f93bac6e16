import ArgumentParser
import Connectivity
import Experiments

/// `--protocol NAME`: a named connectivity protocol whose published settings the command then
/// uses (``ProtocolConfigurable``). Flags given beside it must agree with what it fixes; a flag
/// that contradicts it is a usage error naming the flag.
struct ProtocolOption: ParsableArguments {
    @Option(name: .customLong("protocol"),
            help: "Named protocol: \(ConnectivityProtocol.names.joined(separator: ", ")) (default: ours, every setting adjustable; vrabel2024 = the seed paper's published settings, see README).")
    var name: String?

    func validate() throws {
        if let name { _ = try Self.parse(name) }
    }

    static func parse(_ name: String) throws -> ConnectivityProtocol {
        guard let p = ConnectivityProtocol(rawValue: name) else {
            throw ValidationError("--protocol: unknown protocol '\(name)' (valid: \(ConnectivityProtocol.names.joined(separator: ", ")))")
        }
        return p
    }

    /// `configuration` with the named preset applied (unchanged without `--protocol`).
    func applied<C: ProtocolConfigurable>(to configuration: C) throws -> C {
        guard let name else { return configuration }
        return configuration.applyingPreset(try Self.parse(name))
    }
}
