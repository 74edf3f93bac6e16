/// Which catalog entry a run belongs to, recorded in its sidecar when `modelattice reproduce`
/// runs it (``RunRecord/experiment``): the entry's name, profile and the fingerprint that decides
/// whether a later `reproduce` may skip it.
public struct CatalogEntryRecord: Codable, Sendable, Equatable {
    public var name: String
    public var profile: String
    public var fingerprint: String
    public init(name: String, profile: String, fingerprint: String) {
        self.name = name
        self.profile = profile
        self.fingerprint = fingerprint
    }
}
