import ArgumentParser
import Experiments
import Support

/// `modelattice lattice connect`: options → ``LatticeConnectExperiment/Configuration`` → runner.
struct LatticeConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Lattice certificates of connectivity between same-class input pairs.")
    typealias Experiment = LatticeConnectExperiment
    static let defaults = Experiment.Configuration()

    @OptionGroup var networks: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Number of pairs.") var pairs = defaults.pairs
    @Option(help: "Pair kind: real (two test images the network assigns to one class) or synthetic (feature visualization of class i mod classes).") var kind = defaults.kind
    @Flag(help: "Also run the barrier bypass (free, 2 rounds for --arch networks; projected for --model) for bypass_barrier_gap.") var bypass = false
    @Option(help: "Lattice steps K from A to C (spacing ‖C − A‖/K).") var steps = defaults.steps
    @Option(help: "Lattice axes m: C − A plus m − 1 random orthonormal directions.") var axes = defaults.axes
    @Option(help: "Open rule: class or loss:TAU.") var open = defaults.open
    @Option(help: "Most network evaluations per pair.") var budget = defaults.budget
    @Option(help: "Weight w of the heuristic in f = g + w·H (1 = A*, shortest open path).") var weight = defaults.weight
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.networks, c.data, c.pairs, c.kind, c.bypass) = (networks.source, data.source, pairs, kind, bypass)
        (c.steps, c.axes, c.open, c.budget, c.weight) = (steps, axes, open, budget, weight)
        try CommandErrors.naming(["pairs": "--pairs", "steps": "--steps", "axes": "--axes", "open": "--open",
                                  "budget": "--budget", "weight": "--weight", "networks": "--networks"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(table: output), settings: replication.settings(options))
        }
    }
}

extension LatticeConnectExperiment.PairKind: ExpressibleByArgument {}
