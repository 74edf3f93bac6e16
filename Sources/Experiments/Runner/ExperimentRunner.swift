import Foundation
import Support

/// Runs an ``Experiment``: the one place that owns run plumbing.
///
///     validate → outputs writable → fingerprint(encoded configuration, revision, seed, generator)
///     → prepare → units → resume from checkpoint → deal units to threads and MPI ranks (UnitRunner)
///     (one at a time when ``Experiment/parallelInsideUnits``) → progress → products → atomic tables
///     and files → sidecars → drop the checkpoint
///
/// The fingerprint covers the full encoded configuration, so a default changed in code (or in an
/// experiment file) changes it: a stale checkpoint is then started afresh, and `reproduce` knows the
/// finished result is out of date. No globals: the catalog entry, when there is one, is passed in.
public enum ExperimentRunner {
    /// The fingerprint of a run of `E` with `configuration` under `settings`: a hash of the
    /// experiment type, its revision, the canonical JSON of the configuration, the seed and the
    /// generator (threads and progress excluded: they never change a result).
    public static func fingerprint<E: Experiment>(_ experiment: E.Type, _ configuration: E.Configuration,
                                                  seed: UInt64, generator: String) throws -> String {
        let text = [E.identifier, "revision=\(E.revision)", try JSONValue(encoding: configuration).canonicalText,
                    "seed=\(seed)", "rng=\(generator)"].joined(separator: "\u{1F}")
        return String(SeedSequence.tag(text), radix: 16)
    }

    @discardableResult
    public static func run<E: Experiment>(_ experiment: E, _ configuration: E.Configuration,
                                          outputs: ExperimentOutputs, settings: RunSettings,
                                          commandLine: [String] = CommandLine.arguments,
                                          catalog: CatalogProvenance? = nil) throws -> ExperimentRunSummary {
        let started = Date()
        try experiment.validate(configuration)
        try RandomGenerator.validate(algorithm: settings.generator)
        guard settings.threads >= 1 else { throw ModeLatticeError.usage("thread count must be at least 1 (got \(settings.threads))") }
        guard let main = outputs.table else { throw ModeLatticeError.software("\(E.identifier): no path for the main table") }
        for path in outputs.paths.values { try AtomicFile.checkWritable(path) }

        let fingerprint = try Self.fingerprint(E.self, configuration, seed: settings.seed, generator: settings.generator)
        let setup = try experiment.prepare(configuration, settings)
        let units = try experiment.units(configuration, setup)
        let checkpoint = try Checkpoint<E.UnitResult>(output: main, fingerprint: fingerprint, enabled: settings.checkpoints)
        let resumed = checkpoint.restored.count
        let progress = ProgressLine(E.identifier.replacingOccurrences(of: "_", with: " "), total: units.count, quiet: settings.quiet)
        let results: [E.UnitResult]
        let finished = FinishedUnits()
        do {
            results = try UnitRunner.run(count: units.count, threads: E.parallelInsideUnits ? 1 : settings.threads, checkpoint: checkpoint,
                                         progress: progress) { i in
                let r = try experiment.run(units[i], index: i, configuration, setup, settings)
                finished.add()
                return r
            }
        } catch {
            // A run that fails before any unit finished leaves nothing behind (no empty checkpoint).
            if resumed == 0 && finished.count == 0 { checkpoint.finish() }
            throw error
        }
        progress.finish()
        let products = try experiment.products(results, configuration, setup, settings)

        guard let table = products.tables[ExperimentProducts.mainRole] else {
            throw ModeLatticeError.software("\(E.identifier) produced no main table")
        }
        guard table.columns == E.columns else {
            throw ModeLatticeError.software("\(E.identifier): main table columns \(table.columns) differ from the declared \(E.columns)")
        }
        var written: [String] = []
        for (role, t) in products.tables.sorted(by: { $0.key < $1.key }) {
            guard let path = outputs[role] else { continue }
            if role != ExperimentProducts.mainRole, let declared = E.extraTables[role], declared != t.columns {
                throw ModeLatticeError.software("\(E.identifier): '\(role)' columns \(t.columns) differ from the declared \(declared)")
            }
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
        record.experiment = catalog.map { CatalogEntryRecord(name: $0.name, profile: $0.profile, fingerprint: fingerprint) }
        record.timing?.resumedUnits = resumed
        try record.write(to: RunRecord.sidecarPath(for: main))
        checkpoint.finish()
        return ExperimentRunSummary(fingerprint: fingerprint, wallSeconds: wall, resumedUnits: resumed,
                                    unitCount: units.count, written: written)
    }
}

/// How many units finished in this process (thread-safe).
private final class FinishedUnits: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
