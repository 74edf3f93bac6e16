import ArgumentParser
import Experiments
import Support

/// `modelattice lattice grow`: options → ``LatticeGrowExperiment/Configuration`` → runner.
struct LatticeGrowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow",
        abstract: "Grow the anchor's open cluster on anchor + h·Z^n until it dies or reaches a cap.")
    typealias Experiment = LatticeGrowExperiment
    static let defaults = Experiment.Configuration()

    @OptionGroup var networks: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Anchors (trials) per network.") var trials = defaults.trials
    @Option(help: "Spacings h > 0 along each input axis, comma-separated (default \(defaults.spacings.map { Cell.double($0).csv }.joined(separator: ","))).") var spacing: String?
    @Option(help: "Anchor: real (a test image), synthetic (feature visualization) or origin.") var anchor = defaults.anchor
    @Option(help: "Open rule: class, loss:TAU, shell-quantile:Q (τ = the Q-quantile of the score over the anchor's first shell) or iid:P (network unused).") var open = defaults.open
    @Option(name: .customLong("class"), help: "Target class (default: the network's prediction at the anchor).") var targetClass: Int?
    @Option(help: "Stop when the cluster has this many sites (survived).") var cap = defaults.cap
    @Option(help: "Also write one row per BFS generation to this CSV.") var generationsOutput: String?
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.networks, c.data, c.trials, c.anchor, c.open, c.targetClass, c.cap) = (networks.source, data.source, trials, anchor, open, targetClass, cap)
        try CommandErrors.naming(["trials": "--trials", "spacings": "--spacing", "open": "--open", "targetClass": "--class",
                                  "cap": "--cap", "networks": "--networks"]) {
            if let spacing { c.spacings = try DoubleList.parse(spacing, field: "spacings") }
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "generations": generationsOutput].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}
