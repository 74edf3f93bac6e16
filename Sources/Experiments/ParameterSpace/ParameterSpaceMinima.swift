import Connectivity
import Foundation
import NetworkCore
import Support

/// The K minima every parameter-space path joins (Lin, Li & Wu, arXiv 2404.06391, Sec. 5: minima
/// of one architecture from different random seeds), and the data they are measured on.
///
/// Minimum k is trained with Adam from `SeedSequence.derive(seed, "minimum", k)` (``MinimaTraining``);
/// with a `directory`, finished minima are saved there and reused on the next run. Path losses are
/// measured on a deterministic subset of `evalTrain` training examples (stream "eval-train"),
/// accuracies on `evalTest` test examples (stream "eval-test"; nil: all).
public struct MinimaConfiguration: Codable, Sendable, Equatable {
    /// Where the training and test data come from.
    public var data = DataSource()
    /// Architecture spec of the minima.
    public var arch = "mlp:784-500-300-10"
    /// Number of minima K ≥ 2.
    public var count = 5
    /// Training epochs per minimum (Adam).
    public var epochs = 10
    /// Mini-batch size of the minima and of the center steps.
    public var batchSize = 128
    /// Adam learning rate of the minima.
    public var lr: Float = 1e-3
    /// Train minima and centers on a deterministic subset of N training examples (nil: all).
    public var trainSubset: Int? = nil
    /// Directory of minimum_k.safetensors: finished minima are reused, not retrained (nil: keep none).
    public var directory: String? = nil
    /// Training examples (deterministic subset) on which path losses are measured.
    public var evalTrain = 5000
    /// Test examples (deterministic subset) on which path accuracies are measured (nil: all).
    public var evalTest: Int? = nil

    public init() {}

    public func validate() throws {
        guard count >= 2 else { throw ModeLatticeError.invalid("minima", "must be at least 2 (got \(count))") }
        guard epochs >= 1 else { throw ModeLatticeError.invalid("epochs", "must be at least 1 (got \(epochs))") }
        guard batchSize >= 1 else { throw ModeLatticeError.invalid("batchSize", "must be at least 1 (got \(batchSize))") }
        guard lr > 0, lr.isFinite else { throw ModeLatticeError.invalid("lr", "must be a positive number (got \(lr))") }
        guard evalTrain >= 1 else { throw ModeLatticeError.invalid("evalTrain", "must be at least 1 (got \(evalTrain))") }
        if let n = evalTest, n < 1 { throw ModeLatticeError.invalid("evalTest", "must be at least 1 (got \(n))") }
        if let n = trainSubset, n < 1 { throw ModeLatticeError.invalid("trainSubset", "must be at least 1 (got \(n))") }
        try data.validate()
        _ = try ArchitectureSpec.build(arch)
    }
}

/// The minima trained (or loaded), the path evaluator and the center's training data: what the
/// units of a star or geodesic experiment share (read-only).
public struct TrainedMinima: @unchecked Sendable {
    public var minima: [[Float]]
    public var template: Sequential
    /// The (possibly subset) training data the center's minibatches come from.
    public var train: Dataset
    public var evaluator: StarPathEvaluator

    public init(minima: [[Float]], template: Sequential, train: Dataset, evaluator: StarPathEvaluator) {
        self.minima = minima
        self.template = template
        self.train = train
        self.evaluator = evaluator
    }

    /// Trains or loads the minima of `c` under the run's seed and generator.
    public static func prepare(_ c: MinimaConfiguration, _ settings: RunSettings) throws -> TrainedMinima {
        BLAS.setThreads(settings.threads)
        let template = try ArchitectureSpec.build(c.arch)
        var train = try c.data.load(.train)
        var test = try c.data.load(.test)
        try DataSource.check(train, fits: template)
        if let n = c.trainSubset { train = try train.subset(n, seed: settings.seed, generator: settings.generator) }
        let evalTrain = try train.subset(c.evalTrain, seed: SeedSequence.derive(settings.seed, stream: "eval-train", index: 0),
                                         generator: settings.generator)
        if let n = c.evalTest {
            test = try test.subset(n, seed: SeedSequence.derive(settings.seed, stream: "eval-test", index: 0), generator: settings.generator)
        }
        let training = TrainingConfiguration(epochs: c.epochs, batchSize: c.batchSize, optimizer: .adam, learningRate: c.lr,
                                             seed: settings.seed, generator: settings.generator)
        let batches = (train.count + min(c.batchSize, train.count) - 1) / min(c.batchSize, train.count)
        let steps = c.epochs * c.count * batches
        let progress = ProgressLine("minima", total: steps, quiet: settings.quiet)
        let nets = try MinimaTraining.minima(spec: c.arch, count: c.count, train: train, training: training,
                                             directory: c.directory, onStep: { _, _ in progress.advance() },
                                             onMinimum: { _, r in if r { progress.advance(steps / c.count) } })
        progress.finish()
        return TrainedMinima(minima: nets.map(\.parameters), template: template, train: train,
                             evaluator: StarPathEvaluator(template: template, train: evalTrain, test: test))
    }

    /// The risk a center descends: minibatches of the training data, seeded from the run (one
    /// instance per unit; batches depend only on the step, so every unit sees the same ones).
    public func risk(_ c: MinimaConfiguration, _ settings: RunSettings) throws -> StarNetworkRisk {
        try StarNetworkRisk(template: template, data: train, batchSize: c.batchSize,
                            seed: SeedSequence.derive(settings.seed, stream: "center-batches", index: 0),
                            generator: settings.generator)
    }
}

/// How a star center is optimized and checked (``StarCenterConfiguration``): Adam on
/// J(θ) = (1/K) Σ_i [E_t R(tθ+(1−t)θ_i) + λ‖θ−θ_i‖²] from the mean of the minima, with Ĵ
/// measured every `checkEvery` steps on `checkPoints` points per spoke.
public struct CenterSettings: Codable, Sendable, Equatable {
    /// Center optimization steps (the cap when `tolerance` > 0).
    public var steps = 1500
    /// Center Adam learning rate (the reference: 1e-3 works, 1e-2 drifts).
    public var lr: Float = 1e-3
    /// Center start: mean (of the minima) or first (minimum 0).
    public var start = StarCenterConfiguration.Start.mean
    /// t samples per center step.
    public var tSamples = 3
    /// Steps between center checks (Ĵ on the training subset, barrier, G).
    public var checkEvery = 500
    /// Plateau rule: stop once `patience` checks in a row lower the best Ĵ by less than this fraction (0: run all steps).
    public var tolerance = 0.0
    /// Checks without relative improvement above `tolerance` that stop the center.
    public var patience = 2
    /// Points per spoke at a center check.
    public var checkPoints = 11
    /// Measure the center at every check for the trace table even without the plateau rule.
    public var trace = true

    public init() {}

    public func validate() throws {
        guard steps >= 0 else { throw ModeLatticeError.invalid("centerSteps", "must be ≥ 0 (got \(steps))") }
        guard lr > 0, lr.isFinite else { throw ModeLatticeError.invalid("centerLr", "must be a positive number (got \(lr))") }
        guard tSamples >= 1 else { throw ModeLatticeError.invalid("tSamples", "must be at least 1 (got \(tSamples))") }
        guard checkEvery >= 1 else { throw ModeLatticeError.invalid("centerCheckEvery", "must be at least 1 (got \(checkEvery))") }
        guard tolerance >= 0, tolerance.isFinite else { throw ModeLatticeError.invalid("centerTolerance", "must be ≥ 0 (got \(tolerance))") }
        guard patience >= 1 else { throw ModeLatticeError.invalid("centerPatience", "must be at least 1 (got \(patience))") }
        guard checkPoints >= 2 else { throw ModeLatticeError.invalid("centerCheckPoints", "must be at least 2 (got \(checkPoints))") }
    }

    /// The library's configuration for a center with `lambda` and `seed`; checks run only when the
    /// plateau rule or the trace needs them.
    public func configuration(lambda: Double, seed: UInt64, generator: String) -> StarCenterConfiguration {
        StarCenterConfiguration(steps: steps, learningRate: lr, lambda: lambda, samplesPerStep: tSamples, start: start,
                                seed: seed, generator: generator, checkEvery: trace || tolerance > 0 ? checkEvery : 0,
                                tolerance: tolerance, patience: patience)
    }
}

