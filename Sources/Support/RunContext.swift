/// Which experiment (if any) the running command belongs to. `modelattice reproduce` runs each
/// catalog entry in-process through the ordinary command types; before each it sets this context,
/// so that the JSON sidecar the command writes records the experiment's own argument list and
/// fingerprint (used to skip finished experiments on a rerun) instead of the `reproduce` call.
///
/// Set only from the main thread between commands, never while one runs.
public enum RunContext {
    public struct Experiment: Codable, Sendable, Equatable {
        public var name: String
        public var profile: String
        public var fingerprint: String
        public init(name: String, profile: String, fingerprint: String) {
            self.name = name
            self.profile = profile
            self.fingerprint = fingerprint
        }
    }

    nonisolated(unsafe) public static var experiment: Experiment?
    nonisolated(unsafe) public static var commandLine: [String]?
}
