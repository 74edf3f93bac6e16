import ArgumentParser
import Connectivity
import Experiments
import Support

/// `modelattice input pairs`: options → ``InputPairsExperiment/Configuration`` → ``ExperimentRunner``.
struct InputPairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Loss barriers between same-class inputs (real, interpolated or synthetic) and their bypass.",
        discussion: """
            Columns: \(Experiment.columns.joined(separator: ",")) (bypass columns empty without --bypass). bypass_status is \
            met (every optimized point met its criterion), step_cap (one ran all its steps; always so with --no-early-stop) \
            or no_barrier (nothing to bend). The bypass returns the best path it has seen, never one higher than the straight \
            path. Loss = cross-entropy of the pair's class. Real inputs are correctly classified test images; interpolated \
            ones are points (1-t)R1 + tR2, t ~ U(0,1), between two such images; synthetic ones come from feature \
            visualization. Pair i uses class i mod classes (or --class) and its own seed.
            """)
    typealias Experiment = InputPairsExperiment
    enum BypassMode: String, ExpressibleByArgument, CaseIterable { case projected, free }

    @OptionGroup var network: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Input kind: real, interpolated or synthetic.") var kind: Experiment.Kind = Experiment.Configuration().kind
    @Option(help: "Number of pairs (default \(Experiment.Configuration().pairs)).") var pairs: Int?
    @Option(help: "Points per straight path and bypass segment (default \(Experiment.Configuration().points)).") var points: Int?
    @Option(name: .customLong("class"), help: "Use only this class (default: classes in turn).") var onlyClass: Int?
    @Flag(help: "Bend each path through its optimized barrier point and report the new barrier.") var bypass = false
    @Option(help: "Bypass: projected (trained networks: B'-B orthogonal to C-A, Adam lr 0.005, <= 1024 steps, early stop) or free (untrained: Adam lr 0.05, wd 1e-7, <= 4096 steps, stop at CE < 5e-4).")
    var bypassMode: BypassMode = .projected
    @Option(help: "Bypass rounds; each splits every segment with a barrier again (default \(Experiment.Configuration().rounds)).") var rounds: Int?
    @Flag(help: "Bypass without early stop (all iterations).") var noEarlyStop = false
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @Option(help: "Also write loss curves in long format: pair,path,alpha,loss (path linear or bypass).") var profiles: String?
    @OptionGroup var preset: ProtocolOption
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.network, c.data, c.kind, c.onlyClass, c.bypass) = (network.source, data.source, kind, onlyClass, bypass)
        c.bypassSettings = bypassMode == .projected ? .trained : .untrained
        c = try preset.applied(to: c)
        c.pairs = pairs ?? c.pairs
        c.points = points ?? c.points
        c.rounds = rounds ?? c.rounds
        c.bypassSettings.pointsPerSegment = c.points
        if noEarlyStop { c.bypassSettings.earlyStop = false }
        try CommandErrors.naming(["pairs": "--pairs", "points": "--points", "rounds": "--rounds", "onlyClass": "--class",
                                  "networks": "--networks", "bypassSettings": "--no-early-stop"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "profiles": profiles].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}

extension InputPairsExperiment.Kind: ExpressibleByArgument {}
