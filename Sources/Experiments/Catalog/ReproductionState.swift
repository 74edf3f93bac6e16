import Foundation
import Support

/// What `reproduce` itself has finished, kept in `RESULTS/.state/NAME.json` (ignored by git): the
/// same (name, profile, fingerprint) record a run's sidecar holds (``CatalogEntryRecord``).
///
/// Whether an experiment is done is decided by this state, written by the run that finished it,
/// never by the presence of a table: a committed table on a clean clone counts for nothing, so
/// `make run` recomputes it and can then say whether it came back byte for byte.
public typealias ReproductionState = CatalogEntryRecord

extension CatalogEntryRecord {
    public static func directory(resultsDirectory: String) -> String { resultsDirectory + "/.state" }
    public static func path(name: String, resultsDirectory: String) -> String {
        directory(resultsDirectory: resultsDirectory) + "/" + name + ".json"
    }

    public static func read(name: String, resultsDirectory: String) -> ReproductionState? {
        guard let data = FileManager.default.contents(atPath: path(name: name, resultsDirectory: resultsDirectory)) else { return nil }
        return try? JSONDecoder().decode(ReproductionState.self, from: data)
    }

    public func write(resultsDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try encoder.encode(self)) + [10],
                             to: Self.path(name: name, resultsDirectory: resultsDirectory))
    }

    public static func clear(name: String, resultsDirectory: String) {
        unlink(path(name: name, resultsDirectory: resultsDirectory))
    }
}

/// The byte contents of files before a run, to say afterwards which came back identical.
public struct FileSnapshot: Sendable {
    public var contents: [String: [UInt8]?]

    public init(_ paths: [String]) {
        var contents: [String: [UInt8]?] = [:]
        // updateValue, not subscript assignment: assigning nil would drop the key, and a file that
        // did not exist before would then never be reported as new.
        for p in paths { contents.updateValue(FileManager.default.contents(atPath: p).map { [UInt8]($0) }, forKey: p) }
        self.contents = contents
    }

    /// Paths whose bytes now differ from the snapshot (new files included), sorted.
    public func changed() -> [String] {
        contents.keys.sorted().filter { path in
            let now = FileManager.default.contents(atPath: path).map { [UInt8]($0) }
            return now != contents[path]!
        }
    }
}
