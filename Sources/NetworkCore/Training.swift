import Foundation
import Support

/// Mini-batch training of a ``Sequential`` classifier with softmax cross-entropy.
///
/// Epoch e visits the training set in the order of a GSL permutation seeded with
/// `SeedSequence.derive(seed, stream: "shuffle", index: e)`; batches are consecutive slices of it,
/// the last one possibly smaller (PyTorch DataLoader with shuffle=True, drop_last=False). Each step
/// minimizes the batch mean (1/B) Σ ℓ_n. The run is a deterministic function of the initial
/// parameters, the data, the seed and the BLAS thread count (see ``BLAS``).
public struct TrainingConfiguration: Sendable {
    public enum OptimizerKind: String, Sendable, CaseIterable, Codable { case sgd, adam, adamw }
    /// Learning rate over the run: constant, or cosine annealing η_t = η·½(1 + cos(π t/T)) over
    /// the T steps of the whole run (Loshchilov & Hutter 2017, without restarts).
    public enum Schedule: String, Sendable, CaseIterable, Codable { case constant, cosine }
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerKind
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var schedule: Schedule
    public var seed: UInt64
    public var generator: String?
    /// Stop after this many steps (nil: after `epochs` epochs); the run then lasts ⌈steps/S⌉ epochs
    /// of S steps, the last one cut short, and a cosine schedule spans these steps.
    public var steps: Int?

    public init(epochs: Int, batchSize: Int = 128, optimizer: OptimizerKind = .adam, learningRate: Float = 1e-3,
                momentum: Float = 0.9, weightDecay: Float = 0, schedule: Schedule = .constant,
                seed: UInt64, generator: String? = nil, steps: Int? = nil) {
        self.steps = steps
        self.schedule = schedule
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.seed = seed
        self.generator = generator
    }

    public func makeOptimizer() -> any Optimizer {
        switch optimizer {
        case .sgd: SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam: Adam(learningRate: learningRate, weightDecay: weightDecay)
        case .adamw: Adam(learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
        }
    }
}

/// What one epoch achieved: training loss/accuracy are means over the epoch's batches as they
/// were trained (running figures); evaluation figures are measured after the epoch.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var steps: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testLoss: Double?
    public var testAccuracy: Double?
    public var seconds: Double
}

public enum Training {
    /// Trains `model` in place for `configuration.epochs` epochs; `evaluation` (e.g. the test set)
    /// is scored after each epoch. `onStep(step, totalSteps)` is called after every step, and
    /// `afterStep(step, batch mean loss before the step, model after the step)` too (to follow a
    /// network through its first steps). Throws a software error naming the step when the loss
    /// becomes NaN or infinite.
    public static func train(_ model: inout Sequential, on data: Dataset, evaluation: Dataset? = nil,
                             configuration c: TrainingConfiguration,
                             onStep: (Int, Int) -> Void = { _, _ in },
                             onEpoch: (EpochRecord) throws -> Void = { _ in },
                             afterStep: (Int, Double, Sequential) throws -> Void = { _, _, _ in }) throws -> [EpochRecord] {
        guard data.exampleSize == model.inputSize else {
            throw ModeLatticeError.data("dataset examples of shape \(data.shape) do not fit model input \(model.inputShape) (spec '\(model.spec)')")
        }
        guard data.classes <= model.outputSize else {
            throw ModeLatticeError.data("dataset has \(data.classes) classes but the model has \(model.outputSize) outputs")
        }
        guard c.batchSize >= 1, c.epochs >= 0, (c.steps ?? 0) >= 0, data.count > 0 else {
            throw ModeLatticeError.usage("training needs a batch size ≥ 1 and a non-empty dataset")
        }
        let b = min(c.batchSize, data.count), d = model.inputSize, k = model.outputSize
        let ws = Workspace(model: model, capacity: b)
        var optimizer = c.makeOptimizer()
        let stepsPerEpoch = (data.count + b - 1) / b
        let epochs = c.steps.map { ($0 + stepsPerEpoch - 1) / stepsPerEpoch } ?? c.epochs
        let totalSteps = c.steps ?? stepsPerEpoch * c.epochs
        var step = 0
        var records: [EpochRecord] = []
        var xb = [Float](repeating: 0, count: b * d)       // [B, D]
        var yb = [Int32](repeating: 0, count: b)           // [B]
        var dz = [Float](repeating: 0, count: b * k)       // [B, K]
        for epoch in 0..<epochs {
            let start = Clock.now()
            let rng = try RandomGenerator(algorithm: c.generator, seed: SeedSequence.derive(c.seed, stream: "shuffle", index: epoch))
            let order = rng.permutation(data.count)
            var lossSum = 0.0, correct = 0, seen = 0
            for s in 0..<min(stepsPerEpoch, totalSteps - step) {
                let lo = s * b, hi = min(lo + b, data.count), n = hi - lo
                data.images.withUnsafeBufferPointer { src in
                    xb.withUnsafeMutableBufferPointer { dst in
                        for j in 0..<n {
                            let i = Int(order[lo + j])
                            (dst.baseAddress! + j * d).update(from: src.baseAddress! + i * d, count: d)
                            yb[j] = data.labels[i]
                        }
                    }
                }
                let r = model.crossEntropyGradient(xb, labels: yb, batch: n, workspace: ws, logitGradient: &dz)
                step += 1
                let batchLoss = r.lossSum / Double(n)
                guard batchLoss.isFinite else {
                    throw ModeLatticeError.software(
                        "training loss became \(batchLoss.isNaN ? "NaN" : "infinite") at step \(step) (epoch \(epoch + 1)); lower the learning rate (now \(c.learningRate)) or use a smaller-variance initialization")
                }
                if c.schedule == .cosine {
                    optimizer.learningRate = c.learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step - 1) / Double(totalSteps))))
                }
                optimizer.step(&model.parameters, gradient: ws.parameterGradient)
                lossSum += r.lossSum
                correct += r.correct
                seen += n
                onStep(step, totalSteps)
                try afterStep(step, batchLoss, model)
            }
            var record = EpochRecord(epoch: epoch + 1, steps: step, trainLoss: lossSum / Double(seen),
                                     trainAccuracy: Double(correct) / Double(seen), testLoss: nil, testAccuracy: nil, seconds: 0)
            if let evaluation {
                let e = model.evaluate(evaluation.images, labels: evaluation.labels)
                record.testLoss = e.loss
                record.testAccuracy = e.accuracy
            }
            record.seconds = Clock.seconds(since: start)
            records.append(record)
            try onEpoch(record)
        }
        return records
    }
}

/// Monotonic wall clock for reporting.
enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
    static func seconds(since t: Double) -> Double { now() - t }
}
