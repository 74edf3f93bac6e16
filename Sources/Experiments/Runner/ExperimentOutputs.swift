import Foundation
import Support

/// Where an experiment's products go: a path for each role (`"table"` for the main table, then
/// `"summary"`, `"profiles"`, `"model"`, …). Roles without a path are not written.
public struct ExperimentOutputs: Sendable, Equatable {
    public var paths: [String: String]

    public init(_ paths: [String: String]) { self.paths = paths }

    /// Only the main table.
    public init(table: String) { self.paths = [ExperimentProducts.mainRole: table] }

    public var table: String? { paths[ExperimentProducts.mainRole] }

    public subscript(role: String) -> String? {
        get { paths[role] }
        set { paths[role] = newValue }
    }
}

/// What a finished run reports back to its caller.
public struct ExperimentRunSummary: Sendable {
    public var fingerprint: String
    public var wallSeconds: Double
    public var resumedUnits: Int
    public var unitCount: Int
    public var written: [String]
}

/// Which catalog entry a run belongs to, when `reproduce` runs it (recorded in the sidecar).
public struct CatalogProvenance: Sendable, Equatable {
    public var name: String
    public var profile: String
    public init(name: String, profile: String) {
        self.name = name
        self.profile = profile
    }
}
