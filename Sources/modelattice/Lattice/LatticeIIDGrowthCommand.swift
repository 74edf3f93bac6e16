import ArgumentParser
import Experiments
import Support

/// `modelattice lattice iid-growth`: options → ``LatticeIIDGrowthExperiment/Configuration`` → runner.
struct LatticeIIDGrowthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iid-growth",
        abstract: "iid percolation growth on Z^n beside its branching process (survival to the cap).")
    typealias Experiment = LatticeIIDGrowthExperiment
    static let defaults = Experiment.Configuration()

    @Option(help: "Lattice dimension n.") var dimension = defaults.dimension
    @Option(help: "Mean offspring λ = (2n−1)P values, comma-separated (default \(defaults.lambdas.map { Cell.double($0).csv }.joined(separator: ","))).") var lambda: String?
    @Option(help: "Clusters per λ.") var trials = defaults.trials
    @Option(help: "Stop when the cluster has this many sites (survived).") var cap = defaults.cap
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @Option(help: "Also write p_c from the series expansion and the literature to this CSV.") var thresholdsOutput: String?
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.dimension, c.trials, c.cap) = (dimension, trials, cap)
        try CommandErrors.naming(["dimension": "--dimension", "lambdas": "--lambda", "trials": "--trials", "cap": "--cap"]) {
            if let lambda { c.lambdas = try DoubleList.parse(lambda, field: "lambdas") }
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "thresholds": thresholdsOutput].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}
