import Foundation
import NetworkCore
import Support

/// Trains a classifier on softmax cross-entropy, ℓ = −log softmax(f_θ(x))_y, with mini-batch
/// Adam, AdamW or SGD (momentum) over shuffled epochs (``Training``), and scores it after every
/// epoch on the test split. Products: the per-epoch log (the main table; wall time is in the run
/// sidecar, not here) and the trained model (role "model", safetensors with metadata dataset,
/// epochs and seed). Bit-identical for the same seed at any thread count (fixed sgemm blocking).
///
/// The network is initialized from the run's seed; a training subset (stream "subset") and a test
/// subset (stream "test-subset") are deterministic functions of it.
public struct NetworkTrainExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Where the training and test data come from.
        public var data = DataSource()
        /// Architecture spec, e.g. mlp:784-256-256-10 or cnn:1x28x28:c32k5p2-r-m2-c64k5p2-r-m2-f-l1024-r-l10.
        public var arch = "mlp:784-256-256-10"
        /// Initialization: default (PyTorch), he, glorot or gaussian (σ_w 1, σ_b 0).
        public var initialization = "default"
        /// Epochs ≥ 1.
        public var epochs = 5
        /// Mini-batch size ≥ 1.
        public var batchSize = 128
        /// Learning rate η > 0.
        public var lr: Float = 1e-3
        /// adam, adamw or sgd.
        public var optimizer = TrainingConfiguration.OptimizerKind.adam
        /// SGD momentum.
        public var momentum: Float = 0.9
        /// constant, or cosine annealing of η to 0 over the run.
        public var schedule = TrainingConfiguration.Schedule.constant
        /// Weight decay (L2 for sgd/adam, decoupled for adamw).
        public var weightDecay: Float = 0
        /// Train on a deterministic subset of N training examples (nil: all).
        public var trainSubset: Int? = nil
        /// Score each epoch on a deterministic subset of N test examples (nil: all).
        public var testSubset: Int? = nil
        public init() {}
    }

    public static let identifier = "network_train"
    public static let revision = 1
    public static let columns = ["epoch", "steps", "train_loss", "train_accuracy", "test_loss", "test_accuracy"]

    public init() {}

    public struct Setup: @unchecked Sendable {
        var network: Sequential
        var train: Dataset
        var test: Dataset
    }

    /// The trained parameters and the log rows.
    public struct UnitResult: Codable, Sendable {
        var parameters: [Float]
        var buffers: [Float]
        var log: [[Cell]]
    }

    public func validate(_ c: Configuration) throws {
        guard c.epochs >= 1 else { throw ModeLatticeError.invalid("epochs", "must be at least 1 (got \(c.epochs))") }
        guard c.batchSize >= 1 else { throw ModeLatticeError.invalid("batchSize", "must be at least 1 (got \(c.batchSize))") }
        guard c.lr > 0, c.lr.isFinite else { throw ModeLatticeError.invalid("lr", "must be a positive number (got \(c.lr))") }
        if let n = c.trainSubset, n < 1 { throw ModeLatticeError.invalid("trainSubset", "must be at least 1 (got \(n))") }
        if let n = c.testSubset, n < 1 { throw ModeLatticeError.invalid("testSubset", "must be at least 1 (got \(n))") }
        _ = try Initialization.named(c.initialization)
        _ = try ArchitectureSpec.build(c.arch)
        try c.data.validate()
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> Setup {
        BLAS.setThreads(settings.threads)
        var network = try ArchitectureSpec.build(c.arch)
        var train = try c.data.load(.train)
        var test = try c.data.load(.test)
        try DataSource.check(train, fits: network)
        if let n = c.trainSubset { train = try train.subset(n, seed: settings.seed, generator: settings.generator) }
        if let n = c.testSubset {
            test = try test.subset(n, seed: SeedSequence.derive(settings.seed, stream: "test-subset", index: 0), generator: settings.generator)
        }
        try network.initialize(try Initialization.named(c.initialization), seed: settings.seed, generator: settings.generator)
        return Setup(network: network, train: train, test: test)
    }

    /// One unit: the whole run (epochs depend on each other).
    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] { [0] }

    public func run(_ unit: Int, index: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> UnitResult {
        var network = setup.network
        let training = TrainingConfiguration(epochs: c.epochs, batchSize: c.batchSize, optimizer: c.optimizer, learningRate: c.lr,
                                             momentum: c.momentum, weightDecay: c.weightDecay, schedule: c.schedule,
                                             seed: settings.seed, generator: settings.generator)
        let records = try Training.train(&network, on: setup.train, evaluation: setup.test, configuration: training)
        let log: [[Cell]] = records.map { r in
            [.int(r.epoch), .int(r.steps), .double(r.trainLoss), .double(r.trainAccuracy),
             .double(r.testLoss ?? .nan), .double(r.testAccuracy ?? .nan)]
        }
        return UnitResult(parameters: network.parameters, buffers: network.buffers, log: log)
    }

    public func products(_ results: [UnitResult], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        var network = setup.network
        network.parameters = results[0].parameters
        network.buffers = results[0].buffers
        let model = ModelFile.encode(network, metadata: ["dataset": setup.train.name, "epochs": String(c.epochs),
                                                         "seed": String(settings.seed)])
        return ExperimentProducts(
            tables: [ExperimentProducts.mainRole: Table(columns: Self.columns, rows: results[0].log)],
            files: ["model": model.encoded()],
            notes: ["data: \(c.data.recordedName(.train)) (\(setup.train.count) training examples); test data: \(c.data.recordedName(.test)) (\(setup.test.count) examples)",
                    "\(network.parameterCount) parameters",
                    "pixels scaled to [0,1]; results bit-identical for the same seed at any thread count (fixed sgemm blocking)"])
    }
}
