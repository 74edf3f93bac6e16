import Connectivity
import Foundation
import NetworkCore
import Support

/// Star centers in input space (beyond Lin, Li & Wu 2024; ``InputStar``): one input x̃ joined to K
/// same-class inputs x_1 … x_K by straight segments of low loss for their class, x̃ minimizing
/// J(x) = (1/K) Σ_i E_t CE(f(tx + (1−t)x_i), c) by Adam from the mean input.
///
/// The stars' classes (distinct, drawn among the usable classes, or `onlyClass`) and their inputs
/// (distinct correctly classified test images, or feature visualizations) are drawn in order from
/// one generator seeded derive(seed, "input-star-inputs", 0); star s then optimizes its center
/// with the run seed (s = 0) or derive(seed, "input-star", s). One row per pair i < j of a star.
public struct InputStarExperiment: Experiment {
    public enum Kind: String, Codable, Sendable, CaseIterable { case real, synthetic }

    public struct Configuration: ExperimentConfiguration {
        /// The classifier: a saved model (the trained network), or one untrained architecture.
        public var network = NetworkSource()
        /// The data whose test split supplies the real inputs.
        public var data = DataSource()
        /// Input kind: real or synthetic.
        public var kind = Kind.real
        /// Number of inputs K ≥ 2 per star.
        public var inputs = 5
        /// Number of stars, one per class (1 with `onlyClass`).
        public var stars = 1
        /// Class of the inputs (nil: drawn with the seed among usable classes).
        public var onlyClass: Int? = nil
        /// Center optimization steps.
        public var steps = 300
        /// Center Adam learning rate.
        public var learningRate: Float = 1e-2
        /// t samples per input and step.
        public var tSamples = 3
        /// Points per straight segment.
        public var points = 250
        /// Feature visualization of synthetic inputs.
        public var featureVisualization = FeatureVisualization()
        public init() {}
    }

    public static let identifier = "input_star"
    public static let revision = 1
    public static var columns: [String] { InputStar.columns }

    public init() {}

    public struct Setup: Sendable {
        var images: CorrectlyClassifiedImages
        var labels: [Int]
        /// [star][input] the K inputs of each star.
        var inputs: [[[Float]]]
    }

    public struct Outcome: Codable, Sendable {
        var rows: [[Cell]]
        var center: [Float]
    }

    public func validate(_ c: Configuration) throws {
        try InputTables.validateSingle(c.network)
        try c.data.validate()
        guard c.inputs >= 2 else { throw ModeLatticeError.invalid("inputs", "must be at least 2 (got \(c.inputs))") }
        guard c.steps >= 0 else { throw ModeLatticeError.invalid("steps", "must be at least 0 (got \(c.steps))") }
        guard c.learningRate > 0, c.learningRate.isFinite else {
            throw ModeLatticeError.invalid("learningRate", "must be a positive number (got \(c.learningRate))")
        }
        guard c.tSamples >= 1 else { throw ModeLatticeError.invalid("tSamples", "must be at least 1 (got \(c.tSamples))") }
        if let k = c.onlyClass, k < 0 { throw ModeLatticeError.invalid("onlyClass", "must be a class index of the model (got \(k))") }
        guard c.stars >= 1 else { throw ModeLatticeError.invalid("stars", "must be at least 1 (got \(c.stars))") }
        if c.onlyClass != nil && c.stars > 1 {
            throw ModeLatticeError.invalid("stars", "must be 1 when one class is given (got \(c.stars))")
        }
        try InputTables.validatePoints(c.points)
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> Setup {
        BLAS.setThreads(1)
        let images = try CorrectlyClassifiedImages.load(network: c.network, data: c.data, onlyClass: c.onlyClass, settings: settings)
        let classCount = images.classifier.classCount
        let rng = try RandomGenerator(algorithm: settings.generator, seed: SeedSequence.derive(settings.seed, stream: "input-star-inputs", index: 0))
        let labels: [Int]
        if let k = c.onlyClass {
            labels = [k]
        } else {
            let usable = c.kind == .real ? images.usableClasses(minimum: c.inputs) : Array(0..<classCount)
            guard usable.count >= c.stars else {
                throw ModeLatticeError.data("only \(usable.count) classes have \(c.inputs) usable inputs, fewer than the \(c.stars) stars asked for")
            }
            labels = rng.permutation(usable.count).prefix(c.stars).map { usable[Int($0)] }
        }
        var inputs: [[[Float]]] = []
        for label in labels {
            switch c.kind {
            case .real:
                let pool = images.byClass[label]
                guard pool.count >= c.inputs else {
                    throw ModeLatticeError.data("class \(label) has \(pool.count) correctly classified test images, fewer than the \(c.inputs) inputs asked for")
                }
                inputs.append(rng.permutation(pool.count).prefix(c.inputs).map { images.image(pool[Int($0)]) })
            case .synthetic:
                inputs.append(try (0..<c.inputs).map { _ in
                    try c.featureVisualization.synthesize(classifier: images.classifier, target: label, rng: rng).input
                })
            }
        }
        return Setup(images: images, labels: labels, inputs: inputs)
    }

    /// One unit per star.
    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] { Array(setup.labels.indices) }

    public func run(_ s: Int, index: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> Outcome {
        // Star 0 keeps the run seed (a single star is what it always was); later stars derive theirs.
        let seed = s == 0 ? settings.seed : SeedSequence.derive(settings.seed, stream: "input-star", index: s)
        let star = InputStar.Configuration(steps: c.steps, learningRate: c.learningRate, samplesPerStep: c.tSamples,
                                           points: c.points, seed: seed, generator: settings.generator)
        let (rows, center) = try InputStar.run(setup.images.classifier, inputs: setup.inputs[s], label: setup.labels[s],
                                               configuration: star)
        return Outcome(rows: rows.rows, center: center)
    }

    /// The table, and (role `inputs`) every star's K inputs followed by its center as one .npy
    /// [stars·(K+1), input shape].
    public func products(_ outcomes: [Outcome], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        let table = Table(columns: Self.columns, rows: outcomes.flatMap(\.rows))
        let saved = zip(setup.inputs, outcomes).flatMap { xs, o in (xs + [o.center]).flatMap { $0 } }
        let npy = NPYArray(float32: saved, shape: [setup.labels.count * (c.inputs + 1)] + setup.images.classifier.inputShape)
        return ExperimentProducts(tables: [ExperimentProducts.mainRole: table], files: ["inputs": npy.encoded()],
                                  notes: ["classes: " + setup.labels.map(String.init).joined(separator: ","),
                                          "center: Adam on J(x) = (1/K) Σ_i E_t CE(f(tx+(1−t)x_i), class), from the mean input"])
    }
}
