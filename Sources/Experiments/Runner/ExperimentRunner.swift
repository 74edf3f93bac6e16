import Foundation
import Support

/// Runs an ``Experiment``: the one place that owns run plumbing.
///
///     validate → outputs writable → fingerprint(encoded configuration, revision, seed, generator[, K])
///     → prepare → units (per replicate) → resume from checkpoint → deal units to threads and MPI
///     ranks (UnitRunner) (one at a time when ``Experiment/parallelInsideUnits``) → progress →
///     products (per replicate, merged by ``Replicated``) → atomic tables and files → sidecars →
///     drop the checkpoint
///
/// The fingerprint covers the full encoded configuration, so a default changed in code (or in an
/// experiment file) changes it: a stale checkpoint is then started afresh, and `reproduce` knows the
/// finished result is out of date. No globals: the catalog entry, when there is one, is passed in.
public enum ExperimentRunner {
    /// The fingerprint of a run of `E` with `configuration` under `settings`: a hash of the
    /// experiment type, its revision, the canonical JSON of the configuration, the seed, the
    /// generator and, when K > 1, the replicate count (threads and progress excluded: they never
    /// change a result; K = 1 leaves the fingerprint of an unreplicated run as it was).
    public static func fingerprint<E: Experiment>(_ experiment: E.Type, _ configuration: E.Configuration,
                                                  seed: UInt64, generator: String, replicates: Int = 1) throws -> String {
        var parts = [E.identifier, "revision=\(E.revision)", try JSONValue(encoding: configuration).canonicalText,
                     "seed=\(seed)", "rng=\(generator)"]
        if replicates > 1 { parts.append("replicates=\(replicates)") }
        return String(SeedSequence.tag(parts.joined(separator: "\u{1F}")), radix: 16)
    }

    /// One replicate's share of the run (the whole run when K = 1).
    private struct ReplicateRun<E: Experiment>: Sendable {
        var configuration: E.Configuration
        var settings: RunSettings
        var setup: E.Setup
        var units: [E.Unit]
        /// Index of its first unit in the run's flattened unit list.
        var offset: Int
    }

    @discardableResult
    public static func run<E: Experiment>(_ experiment: E, _ configuration: E.Configuration,
                                          outputs requested: ExperimentOutputs, settings: RunSettings,
                                          commandLine: [String] = CommandLine.arguments,
                                          catalog: CatalogProvenance? = nil) throws -> ExperimentRunSummary {
        let started = Date()
        try experiment.validate(configuration)
        try RandomGenerator.validate(algorithm: settings.generator)
        guard settings.threads >= 1 else { throw ModeLatticeError.usage("thread count must be at least 1 (got \(settings.threads))") }
        let replicated = try Replicated(settings)
        if replicated.isReplicated && E.runsOwnReplicates {
            throw ModeLatticeError.invalid("replicates", "must be 1 for \(E.identifier), which draws its own replicates (got \(settings.replicates))")
        }
        let outputs = replicated.outputs(requested)
        guard let main = outputs.table else { throw ModeLatticeError.software("\(E.identifier): no path for the main table") }
        for path in outputs.paths.values { try AtomicFile.checkWritable(path) }

        let fingerprint = try Self.fingerprint(E.self, configuration, seed: settings.seed, generator: settings.generator,
                                               replicates: settings.replicates)
        var runs: [ReplicateRun<E>] = []
        var unitCount = 0
        for r in 0..<replicated.count {
            let c = replicated.configuration(configuration, r), s = replicated.settings(r)
            let setup = try experiment.prepare(c, s)
            let units = try experiment.units(c, setup)
            runs.append(ReplicateRun(configuration: c, settings: s, setup: setup, units: units, offset: unitCount))
            unitCount += units.count
        }
        let replicateRuns = runs
        // Flattened unit g → (replicate, its own unit index).
        let located = runs.indices.flatMap { r in runs[r].units.indices.map { (r, $0) } }
        let checkpoint = try Checkpoint<E.UnitResult>(output: main, fingerprint: fingerprint, enabled: settings.checkpoints)
        let resumed = checkpoint.restored.count
        let progress = ProgressLine(E.identifier.replacingOccurrences(of: "_", with: " "), total: unitCount, quiet: settings.quiet)
        let results: [E.UnitResult]
        let finished = FinishedUnits()
        do {
            results = try UnitRunner.run(count: unitCount, threads: E.parallelInsideUnits ? 1 : settings.threads, checkpoint: checkpoint,
                                         progress: progress) { g in
                let (r, i) = located[g]
                let run = replicateRuns[r]
                let value = try experiment.run(run.units[i], index: i, run.configuration, run.setup, run.settings)
                finished.add()
                return value
            }
        } catch {
            // A run that fails before any unit finished leaves nothing behind (no empty checkpoint).
            if resumed == 0 && finished.count == 0 { checkpoint.finish() }
            throw error
        }
        progress.finish()
        var perReplicate: [ExperimentProducts] = []
        for run in runs {
            let p = try experiment.products(Array(results[run.offset..<run.offset + run.units.count]), run.configuration,
                                            run.setup, run.settings)
            try Self.checkColumns(E.self, p, outputs: outputs)
            perReplicate.append(p)
        }
        let products = try replicated.merge(perReplicate, configuration: try JSONValue(encoding: configuration),
                                            adjusted: (configuration as? any ReplicateAdjustingConfiguration)?.replicateNote)
        guard products.tables[ExperimentProducts.mainRole]?.columns == replicated.columns(E.columns) else {
            throw ModeLatticeError.software("\(E.identifier): main table columns differ from the declared \(replicated.columns(E.columns))")
        }

        var written: [String] = []
        for (role, t) in products.tables.sorted(by: { $0.key < $1.key }) {
            guard let path = outputs[role] else { continue }
            try t.write(to: path)
            written.append(path)
        }
        for (role, bytes) in products.files.sorted(by: { $0.key < $1.key }) {
            guard let path = outputs[role] else { continue }
            try AtomicFile.write(bytes, to: path)
            written.append(path)
        }

        let wall = Date().timeIntervalSince(started)
        var record = RunRecord(commandLine: commandLine, seed: settings.seed, generator: settings.generator,
                               threads: settings.threads, parameters: [:], wallSeconds: wall, started: started,
                               notes: products.notes)
        record.configuration = try JSONValue(encoding: configuration)
        record.experimentType = E.identifier
        record.revision = E.revision
        record.fingerprint = fingerprint
        record.replicates = replicated.isReplicated ? replicated.count : nil
        record.experiment = catalog.map { CatalogEntryRecord(name: $0.name, profile: $0.profile, fingerprint: fingerprint) }
        record.timing?.resumedUnits = resumed
        try record.write(to: RunRecord.sidecarPath(for: main))
        checkpoint.finish()
        return ExperimentRunSummary(fingerprint: fingerprint, wallSeconds: wall, resumedUnits: resumed,
                                    unitCount: unitCount, written: written)
    }

    /// One replicate's products against the declared columns: the main table's (``Experiment/columns``)
    /// and those of every declared extra role that is written.
    static func checkColumns<E: Experiment>(_ type: E.Type, _ products: ExperimentProducts, outputs: ExperimentOutputs) throws {
        guard let table = products.tables[ExperimentProducts.mainRole] else {
            throw ModeLatticeError.software("\(E.identifier) produced no main table")
        }
        guard table.columns == E.columns else {
            throw ModeLatticeError.software("\(E.identifier): main table columns \(table.columns) differ from the declared \(E.columns)")
        }
        for (role, t) in products.tables where role != ExperimentProducts.mainRole && outputs[role] != nil {
            if let declared = E.extraTables[role], declared != t.columns {
                throw ModeLatticeError.software("\(E.identifier): '\(role)' columns \(t.columns) differ from the declared \(declared)")
            }
        }
    }
}

/// How many units finished in this process (thread-safe).
private final class FinishedUnits: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
