import ArgumentParser
import Experiments
import NetworkCore
import Support

/// `modelattice train`: options → ``NetworkTrainExperiment/Configuration`` → ``ExperimentRunner``;
/// the model goes to `--output`, the per-epoch log to M.log.csv beside it.
struct TrainCommand: ParsableCommand {
    typealias Experiment = NetworkTrainExperiment
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on Fashion-MNIST (or IDX / synthetic data) and save it as safetensors.",
        discussion: "Writes M.safetensors and M.log.csv (\(Experiment.columns.joined(separator: ","))) with JSON sidecars (wall time in M.log.run.json). Pixels are scaled to [0,1]. Results are bit-identical for the same seed at any --threads.")

    @OptionGroup var data: DataOptions
    @Option(help: "Architecture spec, e.g. mlp:784-256-256-10 or cnn:1x28x28:c32k5p2-r-m2-c64k5p2-r-m2-f-l1024-r-l10 (required).") var arch: String?
    @Option(help: "Initialization: default (PyTorch), he, glorot, gaussian.") var `init` = Experiment.Configuration().initialization
    @Option(help: "Epochs.") var epochs = Experiment.Configuration().epochs
    @Option(help: "Mini-batch size.") var batchSize = Experiment.Configuration().batchSize
    @Option(help: "Learning rate.") var lr = Experiment.Configuration().lr
    @Option(help: "Optimizer: adam, adamw or sgd (with --momentum).") var optimizer = Experiment.Configuration().optimizer
    @Option(help: "SGD momentum.") var momentum = Experiment.Configuration().momentum
    @Option(help: "Learning-rate schedule: constant or cosine (annealed to 0 over the run).") var schedule = Experiment.Configuration().schedule
    @Option(help: "Weight decay (L2 for sgd/adam, decoupled for adamw).") var weightDecay = Experiment.Configuration().weightDecay
    @Option(help: "Train on a deterministic random subset of N training examples.") var trainSubset: Int?
    @Option(help: "Score each epoch on a deterministic subset of N test examples (default: all).") var testSubset: Int?
    @Option(help: "Output model file (.safetensors).") var output: String
    @OptionGroup var options: RunOptions
    @Option(name: .customLong("model"), help: .hidden) var renamedModel: String?
    @Option(name: .customLong("batch"), help: .hidden) var renamedBatch: String?

    func validate() throws {
        if renamedModel != nil { throw ValidationError("--model names a saved model file; give the architecture with --arch SPEC") }
        if renamedBatch != nil { throw ValidationError("--batch was renamed: use --batch-size") }
        if arch == nil { throw ValidationError("give the architecture to train with --arch SPEC") }
    }

    static func logPath(for output: String) -> String {
        (output.hasSuffix(".safetensors") ? String(output.dropLast(12)) : output) + ".log.csv"
    }

    func run() throws {
        var c = Experiment.Configuration()
        (c.data, c.arch, c.initialization, c.epochs, c.batchSize, c.lr) = (data.source, arch!, `init`, epochs, batchSize, lr)
        (c.optimizer, c.momentum, c.schedule, c.weightDecay) = (optimizer, momentum, schedule, weightDecay)
        (c.trainSubset, c.testSubset) = (trainSubset, testSubset)
        let outputs = ExperimentOutputs(["table": Self.logPath(for: output), "model": output])
        try CommandErrors.naming(["epochs": "--epochs", "batchSize": "--batch-size", "lr": "--lr",
                                  "trainSubset": "--train-subset", "testSubset": "--test-subset"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: outputs, settings: options.settings)
        }
        print("wrote \(output) and \(Self.logPath(for: output))")
    }
}

extension TrainingConfiguration.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfiguration.Schedule: ExpressibleByArgument {}
