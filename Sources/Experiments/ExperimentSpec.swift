import Foundation
import Support

/// One named experiment of the reproduction catalog: a `modelattice` command, its arguments, and
/// per-profile arguments appended to them. An experiment is configuration, not code: it names the
/// command whose function turns the configuration into a table, and the columns that table has.
///
/// File format (`experiments/NAME.json`):
/// ```json
/// { "name": "percolation_curves",
///   "description": "…",
///   "command": ["percolation", "sweep"],
///   "arguments": ["--kind", "site", "--boundary", "periodic"],
///   "profiles": { "tiny": ["--size", "8"], "quick": ["--size", "64"], "full": ["--size", "512"] },
///   "columns": ["p", "largest_fraction", …],
///   "outputs": { "--profiles": "NAME_profiles.csv" } }
/// ```
/// The catalog appends `--output RESULTS/NAME.csv` (and each extra output flag with its file under
/// RESULTS), and `--seed` from the profile when the experiment gives none.
public struct ExperimentSpec: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    public var command: [String]
    public var arguments: [String]
    public var profiles: [String: [String]]
    public var columns: [String]
    public var outputs: [String: String]?
    /// The argument that names the main CSV (default `--output`); `null`-free by design.
    public var outputFlag: String?

    public static let profileNames = ["tiny", "quick", "full"]

    /// The full argument list for `profile`, writing into `resultsDirectory`.
    public func invocation(profile: String, resultsDirectory: String) throws -> [String] {
        guard let extra = profiles[profile] else {
            throw ModeLatticeError.usage("experiment '\(name)' has no profile '\(profile)' (it has \(profiles.keys.sorted().joined(separator: ", ")))")
        }
        var args = command + arguments + extra
        args += [outputFlag ?? "--output", outputPath(resultsDirectory: resultsDirectory)]
        for (flag, file) in (outputs ?? [:]).sorted(by: { $0.key < $1.key }) {
            args += [flag, resultsDirectory + "/" + file]
        }
        return args
    }

    public func outputPath(resultsDirectory: String) -> String { resultsDirectory + "/" + name + ".csv" }

    /// A stable fingerprint of what determines the results (the argument list without paths).
    public func fingerprint(profile: String) throws -> String {
        let args = try invocation(profile: profile, resultsDirectory: "RESULTS")
        let h = SeedSequence.tag(args.joined(separator: "\u{1F}"))
        return String(h, radix: 16)
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
            let spec: ExperimentSpec
            do { spec = try JSONDecoder().decode(ExperimentSpec.self, from: data) } catch {
                throw ModeLatticeError.data("experiment file '\(path)' is not a valid experiment: \(Self.describe(error))")
            }
            guard spec.name + ".json" == file else {
                throw ModeLatticeError.data("experiment file '\(path)' declares name '\(spec.name)'; the name must match the file name")
            }
            for profile in ExperimentSpec.profileNames where spec.profiles[profile] == nil {
                throw ModeLatticeError.data("experiment '\(spec.name)' lacks the '\(profile)' profile")
            }
            specs.append(spec)
        }
        return ExperimentCatalog(experiments: specs)
    }

    public func select(_ only: [String]) throws -> [ExperimentSpec] {
        if only.isEmpty { return experiments }
        return try only.map { name in
            guard let spec = experiments.first(where: { $0.name == name }) else {
                throw ModeLatticeError.usage("no experiment named '\(name)'; `modelattice reproduce --list` shows the catalog")
            }
            return spec
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: return "not JSON"
        default: return "\(error)"
        }
    }
}

/// Whether a finished result of `spec` under `profile` is already in place: the CSV exists and its
/// sidecar names this experiment, profile and fingerprint.
public enum ExperimentStatus {
    public static func isFinished(_ spec: ExperimentSpec, profile: String, resultsDirectory: String) -> Bool {
        let csv = spec.outputPath(resultsDirectory: resultsDirectory)
        let sidecar = RunRecord.sidecarPath(for: csv)
        guard FileManager.default.fileExists(atPath: csv),
              let data = FileManager.default.contents(atPath: sidecar),
              let record = try? JSONDecoder().decode(RunRecord.self, from: data),
              let tag = record.experiment,
              let fingerprint = try? spec.fingerprint(profile: profile) else { return false }
        return tag.name == spec.name && tag.profile == profile && tag.fingerprint == fingerprint
    }
}
