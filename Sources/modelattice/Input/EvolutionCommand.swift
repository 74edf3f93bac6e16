import ArgumentParser
import Experiments
import Support

/// `modelattice input evolution`: options → ``BarrierEvolutionExperiment/Configuration`` → ``ExperimentRunner``.
struct InputEvolutionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolution",
        abstract: "Barriers between synthetic same-class inputs through the first training batches (untrained network at batch 0).",
        discussion: """
            Columns: \(Experiment.columns.joined(separator: ",")) (loss = cross-entropy of the pair's class; batch = training \
            batches done). --bypass-output writes \(Experiment.extraTables["bypass"]!.joined(separator: ",")) for the \
            untrained network (free bypass, --bypass-rounds rounds; status met, step_cap or no_barrier; the best path seen is \
            kept, never one higher than the straight path). The network is --arch SPEC freshly initialized from --seed (e.g. \
            resnet18-cifar, resnet18:num_classes=10,input=3x32x32).
            """)
    typealias Experiment = BarrierEvolutionExperiment

    @OptionGroup var network: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Training batches to run (default \(Experiment.Configuration().batches)).") var batches: Int?
    @Option(help: "Training batch size; batch norm uses the statistics of the whole batch (default \(Experiment.Configuration().batchSize)).") var batchSize: Int?
    @Option(help: "Adam learning rate (default \(Experiment.Configuration().learningRate)).") var lr: Float?
    @Option(help: "Comma-separated checkpoints (batches done) to measure at (default: every batch 0...--batches).") var checkpoints: String?
    @Option(help: "Classes to use (0..<K; default: all outputs of the model).") var classes: Int?
    @Option(help: "Synthetic pairs per class (default \(Experiment.Configuration().pairsPerClass)).") var pairsPerClass: Int?
    @Option(help: "Points per straight path and bypass segment (default \(Experiment.Configuration().points)).") var points: Int?
    @Option(help: "Feature-visualization steps at most per synthetic input, stopping earlier at CE < 5e-4 (default \(Experiment.Configuration().featureVisualization.iterations)).") var fvIterations: Int?
    @Option(help: "Also write the untrained network's free-bypass table here (Fig. 7 analogue).") var bypassOutput: String?
    @Option(help: "Bypass rounds for --bypass-output (default \(Experiment.Configuration().bypassRounds)).") var bypassRounds: Int?
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions
    @Option(name: .customLong("initialization"), help: .hidden) var renamedInitialization: String?
    @Option(name: .customLong("learning-rate"), help: .hidden) var renamedLearningRate: String?

    func validate() throws {
        if renamedInitialization != nil { throw ValidationError("--initialization was renamed: use --init") }
        if renamedLearningRate != nil { throw ValidationError("--learning-rate was renamed: use --lr") }
    }

    func run() throws {
        var c = Experiment.Configuration()
        (c.network, c.data, c.classes, c.bypass) = (network.source, data.source, classes, bypassOutput != nil)
        (c.batches, c.batchSize, c.learningRate) = (batches ?? c.batches, batchSize ?? c.batchSize, lr ?? c.learningRate)
        (c.pairsPerClass, c.points, c.bypassRounds) = (pairsPerClass ?? c.pairsPerClass, points ?? c.points, bypassRounds ?? c.bypassRounds)
        c.featureVisualization.iterations = fvIterations ?? c.featureVisualization.iterations
        c.bypassSettings.pointsPerSegment = c.points
        if let checkpoints {
            let values = checkpoints.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("--checkpoints must be comma-separated batch counts (got '\(checkpoints)').") }
            c.checkpoints = values.map { $0! }
        }
        let flags = ["batches": "--batches", "batchSize": "--batch-size", "learningRate": "--lr", "checkpoints": "--checkpoints",
                     "classes": "--classes", "pairsPerClass": "--pairs-per-class", "points": "--points",
                     "featureVisualization.iterations": "--fv-iterations", "bypassRounds": "--bypass-rounds", "networks": "--networks"]
        try CommandErrors.naming(flags) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "bypass": bypassOutput].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}
