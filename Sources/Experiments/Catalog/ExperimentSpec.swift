import Foundation
import Support

/// One named entry of the reproduction catalog (`experiments/NAME.json`).
///
/// An entry names an experiment type of the Experiments module and its configuration; each
/// profile lays its own fields over that configuration, and the type's `init()` supplies every
/// field neither mentions:
/// ```json
/// { "name": "percolation_curves_d2",
///   "description": "…",
///   "experiment": "percolation_sweep",
///   "seed": 1,
///   "configuration": { "dim": 2, "kind": "site" },
///   "profiles": { "tiny": { "size": 8 }, "quick": { "size": 64 }, "full": { "size": 512 } },
///   "outputs": { "summary": "NAME_summary.csv" },
///   "requires": ["network_train_mlp"] }
/// ```
/// The main table goes to `RESULTS/NAME.csv` (or `table`); `outputs` maps the type's other roles
/// (extra tables, files such as a trained model) to files under RESULTS. `{results}` in any string
/// of the configuration stands for the results directory. Columns are not repeated here: they are
/// the experiment type's (`modelattice reproduce --list --columns`).
///
/// Replicates (``Replicated``) are a top-level `"replicates"`, never a profile field (profiles hold
/// configuration fields only, and `claims` has a configuration field of that name): either one count
/// for every profile, `"replicates": 3`, or counts by profile, `"replicates": {"quick": 3, "full": 5}`
/// (a profile not named runs one replicate). With K > 1 every table gains a leading `replicate`
/// column and the summary over replicates goes to `NAME_replicates.csv` (or the `replicates` output).
///
/// Every entry is typed: the former command-line entries (`command`, `arguments`, argument-list
/// profiles) are gone since every experiment lives in the Experiments module (issue 16); such a
/// file is rejected with a data error naming the field.
public struct ExperimentSpec: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    /// The experiment type (``Experiment/identifier``).
    public var experiment: String
    public var seed: UInt64?
    public var configuration: JSONValue?
    public var profiles: [String: JSONValue]
    public var outputs: [String: String]?
    /// File (under the results directory) holding the main table, when it is not `NAME.csv`.
    public var table: String?
    /// Experiments whose outputs this one reads; `reproduce` runs them first.
    public var requires: [String]?
    /// Profiles in which this entry is left out of a whole-catalog run, each with the reason
    /// (`{"quick": "5.6 min: …"}`): `make run` stays within its time limit, and the entry still
    /// runs at that profile when named (`reproduce --only NAME`) or with `reproduce --all`. Never
    /// `tiny` (the smoke test runs every entry) or `full`.
    public var optionalIn: [String: String]?
    /// Independent replicates of an entry (one count, or counts by profile; nil: one).
    public var replicates: ReplicateCount? = nil

    public static let profileNames = ["tiny", "quick", "full"]
    public static let defaultSeed: UInt64 = 1

    /// The configuration overrides of `profile` (entry configuration, then the profile's fields),
    /// with `{results}` replaced.
    public func overrides(profile: String, resultsDirectory: String) throws -> JSONValue {
        guard let extra = profiles[profile] else {
            throw ModeLatticeError.usage("experiment '\(name)' has no profile '\(profile)' (it has \(profiles.keys.sorted().joined(separator: ", ")))")
        }
        let merged = (configuration ?? .object([:])).overlaid(with: extra)
        return Self.substitute(merged, resultsDirectory)
    }

    static func substitute(_ value: JSONValue, _ results: String) -> JSONValue {
        switch value {
        case .string(let s): return .string(s.replacingOccurrences(of: "{results}", with: results))
        case .array(let a): return .array(a.map { substitute($0, results) })
        case .object(let o): return .object(o.mapValues { substitute($0, results) })
        default: return value
        }
    }

    /// Output paths by role, under `resultsDirectory` (the runner adds the replicate summary's
    /// default path when the run is replicated).
    public func outputPaths(resultsDirectory: String) -> ExperimentOutputs {
        var paths = [ExperimentProducts.mainRole: outputPath(resultsDirectory: resultsDirectory)]
        for (role, file) in outputs ?? [:] { paths[role] = resultsDirectory + "/" + file }
        return ExperimentOutputs(paths)
    }

    /// The CSV table this experiment produces.
    public func outputPath(resultsDirectory: String) -> String { resultsDirectory + "/" + (table ?? name + ".csv") }

    /// The replicates K this entry runs in `profile`.
    public func replicateCount(profile: String) -> Int { replicates?.count(profile: profile) ?? 1 }

    /// Every file that must exist for the experiment to count as finished (sidecars included; the
    /// replicate summary when `profile` runs K > 1 replicates and `outputs` does not name it).
    public func producedFiles(resultsDirectory: String, profile: String? = nil) -> [String] {
        let main = outputPath(resultsDirectory: resultsDirectory)
        var files = [main, RunRecord.sidecarPath(for: main)]
        for file in (outputs ?? [:]).values.sorted() { files.append(resultsDirectory + "/" + file) }
        if let profile, replicateCount(profile: profile) > 1, outputs?[Replicated.summaryRole] == nil {
            files.append(Replicated.summaryPath(forMain: main))
        }
        return files
    }
}

/// The experiment files of a directory, validated and sorted by name.
public struct ExperimentCatalog: Sendable {
    public var experiments: [ExperimentSpec]

    public init(experiments: [ExperimentSpec]) { self.experiments = experiments }

    /// Reads every `*.json` in `directory` (not recursing: `experiments/slurm/` and the like hold
    /// other material). A file that does not parse is a data error naming the file.
    public static func load(directory: String) throws -> ExperimentCatalog {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModeLatticeError.io("no experiment directory at '\(directory)'; run from the project root or pass --experiments DIR")
        }
        let names = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        var specs: [ExperimentSpec] = []
        for file in names {
            let path = directory + "/" + file
            guard let data = fm.contents(atPath: path) else { throw ModeLatticeError.io("cannot read '\(path)'") }
            specs.append(try parseEntry(data, path: path))
        }
        return ExperimentCatalog(experiments: specs)
    }

    /// One catalog file's bytes as an entry (the entry point `load` and the fuzz target share):
    /// a data error naming `path` when it is not valid JSON, not a valid entry (no experiment
    /// type, or a former command-line entry), or lacks a profile.
    public static func parseEntry(_ data: Data, path: String) throws -> ExperimentSpec {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for key in ["command", "arguments", "columns", "outputFlag", "outputFile"] where object[key] != nil {
                throw ModeLatticeError.data("experiment file '\(path)' has '\(key)': command-line entries are gone; name an experiment type in 'experiment' (`modelattice reproduce --list` shows them)")
            }
        }
        let spec: ExperimentSpec
        do { spec = try JSONDecoder().decode(ExperimentSpec.self, from: data) } catch {
            throw ModeLatticeError.data("experiment file '\(path)' is not a valid experiment: \(Self.describe(error))")
        }
        let file = (path as NSString).lastPathComponent
        guard spec.name + ".json" == file else {
            throw ModeLatticeError.data("experiment file '\(path)' declares name '\(spec.name)'; the name must match the file name")
        }
        for profile in ExperimentSpec.profileNames where spec.profiles[profile] == nil {
            throw ModeLatticeError.data("experiment '\(spec.name)' lacks the '\(profile)' profile")
        }
        if let replicates = spec.replicates { try replicates.validate(entry: spec.name) }
        for (profile, reason) in spec.optionalIn ?? [:] {
            guard profile == "quick" else {
                throw ModeLatticeError.data("experiment '\(spec.name)': optionalIn names '\(profile)'; only 'quick' may leave an entry out (tiny is the smoke test of every entry, full is the paper-sized run)")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ModeLatticeError.data("experiment '\(spec.name)': optionalIn must give the reason the entry is left out of '\(profile)'")
            }
        }
        for (profile, value) in spec.profiles {
            guard case .object = value else {
                throw ModeLatticeError.data("experiment '\(spec.name)': profile '\(profile)' must be an object of configuration fields")
            }
        }
        return spec
    }

    /// The named experiments (all when `only` is empty) with everything they require, in an order
    /// where each experiment comes after its requirements (otherwise by name).
    public func select(_ only: [String]) throws -> [ExperimentSpec] {
        let byName = Dictionary(experiments.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var ordered: [ExperimentSpec] = []
        var state: [String: Bool] = [:]   // false: in progress, true: placed
        func visit(_ name: String, from parent: String?) throws {
            guard let spec = byName[name] else {
                if let parent {
                    throw ModeLatticeError.data("experiment '\(parent)' requires '\(name)', which is not in the catalog")
                }
                throw ModeLatticeError.usage("no experiment named '\(name)'; `modelattice reproduce --list` shows the catalog")
            }
            if state[name] == true { return }
            if state[name] == false { throw ModeLatticeError.data("experiments require each other in a cycle through '\(name)'") }
            state[name] = false
            for requirement in spec.requires ?? [] { try visit(requirement, from: name) }
            state[name] = true
            ordered.append(spec)
        }
        for name in only.isEmpty ? experiments.map(\.name) : only { try visit(name, from: nil) }
        return ordered
    }

    private static func describe(_ error: Error) -> String { DecodingDescription.describe(error) }
}

/// The replicates of a catalog entry: one count for every profile, or counts by profile name.
public enum ReplicateCount: Codable, Sendable, Equatable {
    case all(Int)
    case byProfile([String: Int])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let k = try? container.decode(Int.self) {
            self = .all(k)
        } else {
            self = .byProfile(try container.decode([String: Int].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .all(let k): try container.encode(k)
        case .byProfile(let counts): try container.encode(counts)
        }
    }

    /// K in `profile` (one for a profile the counts do not name).
    public func count(profile: String) -> Int {
        switch self {
        case .all(let k): return k
        case .byProfile(let counts): return counts[profile] ?? 1
        }
    }

    /// Every count ≥ 1 and every profile name known: a data error naming the entry otherwise.
    func validate(entry: String) throws {
        let counts: [(String, Int)]
        switch self {
        case .all(let k): counts = [("every profile", k)]
        case .byProfile(let byName): counts = byName.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        for (profile, k) in counts {
            if case .byProfile = self, !ExperimentSpec.profileNames.contains(profile) {
                throw ModeLatticeError.data("experiment '\(entry)': replicates name an unknown profile '\(profile)' (profiles: \(ExperimentSpec.profileNames.joined(separator: ", ")))")
            }
            guard k >= 1 else {
                throw ModeLatticeError.data("experiment '\(entry)': replicates must be at least 1 (got \(k) for \(profile))")
            }
        }
    }
}
