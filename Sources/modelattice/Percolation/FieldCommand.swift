import ArgumentParser
import Foundation
import Percolation
import Support

/// `modelattice percolation field`: excursion sets of a stationary Gaussian random field on the
/// torus (Z/LZ)^d (``FieldPercolation``), one CSV row per trial (``FieldPercolation/columns``) with
/// a JSON sidecar; `--correlation-output` adds the field's covariance along the axes.
struct FieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field",
        abstract: "Correlated percolation: the lowest fraction p of a Gaussian random field on the torus, clustered.")

    @Option(help: "Lattice dimension d >= 1.") var dim: Int
    @Option(help: "Lattice side L >= 2 (periodic boundaries).") var size: Int
    @Option(help: ArgumentHelp(
        "none, gaussian:XI or power:H.",
        discussion: "none: iid values. gaussian:XI: C(r) = exp(-r^2/(2 XI^2)), XI > 0 in lattice units. power:H: C(r) = (1 + r^2)^-(1-H), i.e. r^-a with the Weinrib-Halperin exponent a = 2(1 - H); H in (0, 1) is a Hurst exponent (in d = 1 the decay of fractional Gaussian noise), larger H = longer range."))
    var correlation: String
    @Option(help: "Open fraction p in (0, 1): the round(p N) lowest field values are open.") var openFraction: Double
    @Option(help: "Number of independent fields T >= 1.") var trials: Int
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @Option(help: "Also write r,c_target,c_measured: the normalized covariance along the axes, r = 0..L/2.")
    var correlationOutput: String?
    @OptionGroup var options: RunOptions

    func run() throws {
        let started = Date()
        let lattice = try HypercubicLattice(dimension: dim, side: size, boundary: .periodic)
        let spec: FieldCorrelation
        do { spec = try FieldCorrelation.parse(correlation) } catch let e as ModeLatticeError {
            throw ModeLatticeError.usage("--correlation: " + e.message)
        }
        guard openFraction > 0 && openFraction < 1 else {
            throw ModeLatticeError.usage("--open-fraction must lie in (0, 1) (got \(openFraction))")
        }
        guard trials >= 1 else { throw ModeLatticeError.usage("--trials must be at least 1 (got \(trials))") }
        try FieldMemory.check(lattice: lattice, concurrentTrials: min(options.threadCount, trials))
        try AtomicFile.checkWritable(output)
        if let correlationOutput { try AtomicFile.checkWritable(correlationOutput) }
        let experiment = try FieldPercolation(lattice: lattice, correlation: spec, openFraction: openFraction,
                                              seed: options.seed, generator: options.generator,
                                              measuresCovariance: correlationOutput != nil)
        let parameters: [String: String] = [
            "dim": String(dim), "size": String(size), "correlation": spec.description,
            "open_fraction": String(openFraction), "open_sites": String(experiment.openCount), "trials": String(trials),
            "covariance_measured": String(correlationOutput != nil),
        ]
        let fingerprint = "percolation field v\(ModeLatticeVersion.string) seed=\(options.seed) rng=\(experiment.generator) "
            + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
        let checkpoint = try Checkpoint<FieldPercolation.Trial>(output: output, fingerprint: fingerprint)
        let progress = ProgressLine("field", total: trials, quiet: options.quiet)
        let results = try experiment.run(trials: trials, threads: options.threadCount, checkpoint: checkpoint, progress: progress)
        progress.finish()
        var notes = experiment.notes
        if !checkpoint.restored.isEmpty { notes.append("resumed with \(checkpoint.restored.count) trials from a checkpoint") }
        let record = RunRecord(seed: options.seed, generator: experiment.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started),
                               started: started, notes: notes)
        try experiment.table(results).write(to: output, record: record)
        if let correlationOutput { try experiment.covarianceTable(results).write(to: correlationOutput, record: record) }
        checkpoint.finish()
    }
}
