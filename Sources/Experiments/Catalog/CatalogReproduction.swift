import Foundation
import Support

/// `reproduce`'s loop: for each selected catalog entry, skip it when this results directory's own
/// state says it is finished with the same fingerprint, otherwise run it through
/// ``ExperimentRunner``, then
/// record the state. Afterwards it reports which produced files differ from the bytes they had
/// before the run: on a clean clone, the committed tables.
public struct CatalogReproduction {
    public var profile: String
    public var resultsDirectory: String
    public var force: Bool
    public var threads: Int
    /// Run entries that are optional at this profile (``ExperimentSpec/optionalIn``) too; the CLI
    /// sets it for `--all` and for entries named with `--only`.
    public var includeOptional = false
    public var log: (String) -> Void
    /// The experiment types entries may name (the registry's, unless a test supplies its own).
    public var registry: [RegisteredExperiment]

    public init(profile: String, resultsDirectory: String, force: Bool, threads: Int,
                log: @escaping (String) -> Void) {
        self.profile = profile
        self.resultsDirectory = resultsDirectory
        self.force = force
        self.threads = threads
        self.log = log
        self.registry = (try? ExperimentRegistry.all()) ?? []
    }

    func type(_ identifier: String) throws -> RegisteredExperiment {
        guard let found = registry.first(where: { $0.identifier == identifier }) else {
            throw ModeLatticeError.data("no experiment type '\(identifier)' (known: \(registry.map(\.identifier).joined(separator: ", ")))")
        }
        return found
    }

    public func settings(_ spec: ExperimentSpec) -> RunSettings {
        RunSettings(seed: spec.seed ?? ExperimentSpec.defaultSeed, generator: "mt19937", threads: threads, quiet: true,
                    replicates: spec.replicateCount(profile: profile))
    }

    /// The fingerprint of `spec` under this profile: of the full decoded configuration and the
    /// type's revision (so a default changed in code changes it).
    public func fingerprint(_ spec: ExperimentSpec) throws -> String {
        try self.type(spec.experiment)
            .fingerprint(try spec.overrides(profile: profile, resultsDirectory: resultsDirectory), settings: settings(spec))
    }

    public func isFinished(_ spec: ExperimentSpec) throws -> Bool {
        guard let state = ReproductionState.read(name: spec.name, resultsDirectory: resultsDirectory),
              state.profile == profile, state.fingerprint == (try fingerprint(spec)) else { return false }
        return spec.producedFiles(resultsDirectory: resultsDirectory, profile: profile).allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    public struct Report: Sendable {
        public var ran: [String] = []
        public var skipped: [String] = []
        /// Entries optional at this profile and not asked for, with the reason.
        public var leftOut: [(name: String, reason: String)] = []
        /// Produced files whose bytes differ from before the run (or that are new).
        public var changed: [String] = []
        public var compared = 0
    }

    public func run(_ selected: [ExperimentSpec]) throws -> Report {
        var report = Report()
        for spec in selected {
            if !includeOptional, let reason = spec.optionalIn?[profile] {
                log("reproduce: \(spec.name): left out of the \(profile) run (\(reason)); `reproduce --all` or `--only \(spec.name)` runs it")
                report.leftOut.append((spec.name, reason))
                continue
            }
            if !force, try isFinished(spec) {
                log("reproduce: \(spec.name): up to date, skipped")
                report.skipped.append(spec.name)
                continue
            }
            let fingerprint = try self.fingerprint(spec)
            ReproductionState.clear(name: spec.name, resultsDirectory: resultsDirectory)
            let produced = spec.producedFiles(resultsDirectory: resultsDirectory, profile: profile).filter { !$0.hasSuffix(".safetensors") }
            let before = FileSnapshot(produced)
            let started = Date()
            let overrides = try spec.overrides(profile: profile, resultsDirectory: resultsDirectory)
            log("reproduce: \(spec.name): \(spec.experiment) \(overrides.canonicalText)")
            try self.type(spec.experiment).run(
                overrides, outputs: spec.outputPaths(resultsDirectory: resultsDirectory), settings: settings(spec),
                commandLine: ["modelattice", "reproduce", "--profile", profile, "--only", spec.name],
                catalog: CatalogProvenance(name: spec.name, profile: profile))
            try ReproductionState(name: spec.name, profile: profile, fingerprint: fingerprint).write(resultsDirectory: resultsDirectory)
            let changed = before.changed()
            report.changed += changed
            report.compared += produced.count
            report.ran.append(spec.name)
            log(String(format: "reproduce: %@: done in %.1f s, %@", spec.name, Date().timeIntervalSince(started),
                       changed.isEmpty ? "identical to the files it replaced" : "\(changed.count) of \(produced.count) files changed"))
        }
        return report
    }
}
