import ArgumentParser
import Foundation
import NetworkCore
import Support

/// `modelattice train`: trains a classifier with softmax cross-entropy and writes it as
/// safetensors, with a per-epoch log CSV (+ JSON sidecar) beside it.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on Fashion-MNIST (or IDX / synthetic data) and save it as safetensors.",
        discussion: "Writes M.safetensors and M.log.csv (epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy,seconds) with a JSON sidecar. Pixels are scaled to [0,1]. Results are bit-identical for the same seed at any --threads.")

    @OptionGroup var data: DatasetOptions
    @Option(help: "Architecture spec, e.g. mlp:784-256-256-10 or cnn:1x28x28:c32k5p2-r-m2-c64k5p2-r-m2-f-l1024-r-l10.")
    var model: String
    @Option(help: "Initialization: default (PyTorch), he, glorot, gaussian.")
    var `init`: String = "default"
    @Option(help: "Epochs.") var epochs: Int = 5
    @Option(help: "Mini-batch size.") var batch: Int = 128
    @Option(help: "Learning rate.") var lr: Float = 1e-3
    @Option(help: "Optimizer: adam, adamw or sgd (with --momentum).")
    var optimizer: TrainingConfiguration.OptimizerKind = .adam
    @Option(help: "SGD momentum.") var momentum: Float = 0.9
    @Option(help: "Learning-rate schedule: constant or cosine (annealed to 0 over the run).")
    var schedule: TrainingConfiguration.Schedule = .constant
    @Option(help: "Weight decay (L2 for sgd/adam, decoupled for adamw).") var weightDecay: Float = 0
    @Option(help: "Train on a deterministic random subset of N training examples.") var trainSubset: Int?
    @Option(help: "Score each epoch on a deterministic subset of N test examples (default: all).") var testSubset: Int?
    @Option(help: "Output model file (.safetensors).") var output: String
    @OptionGroup var options: RunOptions

    func validate() throws {
        if epochs < 1 { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
        if batch < 1 { throw ValidationError("--batch must be at least 1 (got \(batch)).") }
        if !(lr > 0) || !lr.isFinite { throw ValidationError("--lr must be a positive number (got \(lr)).") }
        if let n = trainSubset, n < 1 { throw ValidationError("--train-subset must be at least 1 (got \(n)).") }
        if let n = testSubset, n < 1 { throw ValidationError("--test-subset must be at least 1 (got \(n)).") }
    }

    static func logPath(for output: String) -> String {
        (output.hasSuffix(".safetensors") ? String(output.dropLast(12)) : output) + ".log.csv"
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(options.threadCount)
        let scheme = try Initialization.named(`init`)
        var net = try NetworkIO.build(model)
        try AtomicFile.checkWritable(output)
        var train = try data.load(.train)
        var test = try data.load(.test)
        try NetworkIO.check(train, fits: net)
        if let n = trainSubset { train = try train.subset(n, seed: options.seed, generator: options.rng) }
        if let n = testSubset { test = try test.subset(n, seed: SeedSequence.derive(options.seed, stream: "test-subset", index: 0), generator: options.rng) }
        try net.initialize(scheme, seed: options.seed, generator: options.rng)
        let config = TrainingConfiguration(epochs: epochs, batchSize: batch, optimizer: optimizer, learningRate: lr,
                                           momentum: momentum, weightDecay: weightDecay, schedule: schedule, seed: options.seed, generator: options.rng)
        let steps = epochs * ((train.count + min(batch, train.count) - 1) / min(batch, train.count))
        let progress = ProgressLine("train", total: steps, quiet: options.quiet)
        let quiet = options.quiet
        var table = Table(columns: ["epoch", "steps", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds"])
        let records = try Training.train(&net, on: train, evaluation: test, configuration: config,
                                         onStep: { _, _ in progress.advance() },
                                         onEpoch: { r in
            table.append([.int(r.epoch), .int(r.steps), .double(r.trainLoss), .double(r.trainAccuracy),
                          .double(r.testLoss ?? .nan), .double(r.testAccuracy ?? .nan), .double(r.seconds)])
            if !quiet {
                progress.clear()
                FileHandle.standardError.write(Data(String(format: "epoch %d/%d: train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.1fs\n",
                                                               r.epoch, epochs, r.trainLoss, r.trainAccuracy, r.testLoss ?? .nan, r.testAccuracy ?? .nan, r.seconds).utf8))
            }
        })
        progress.finish()
        try ModelFile.save(net, to: output, metadata: ["dataset": train.name, "epochs": String(epochs), "seed": String(options.seed)])
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: ["model": model, "init": `init`, "epochs": String(epochs), "batch": String(batch),
                                            "lr": String(lr), "optimizer": optimizer.rawValue, "momentum": String(momentum),
                                            "weight_decay": String(weightDecay), "schedule": schedule.rawValue,
                                            "train_examples": String(train.count), "test_examples": String(test.count),
                                            "output": output].merging(data.recordedParameters) { $1 },
                               wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["pixels scaled to [0,1]; results bit-identical for the same seed at any thread count (fixed sgemm blocking)"])
        let log = TrainCommand.logPath(for: output)
        try table.write(to: log, record: record)
        let last = records.last!
        print("wrote \(output) (\(net.parameterCount) parameters; test loss \(String(format: "%.4f", last.testLoss ?? .nan)), test accuracy \(String(format: "%.4f", last.testAccuracy ?? .nan))) and \(log)")
    }
}

extension TrainingConfiguration.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfiguration.Schedule: ExpressibleByArgument {}
