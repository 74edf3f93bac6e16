import Connectivity
import Foundation
import NetworkCore
import Support

/// The README's input-space claims across training seeds, pair draws and architectures (issue 14).
///
/// Unit (architecture a, replicate r): a network initialized and trained from
/// `SeedSequence.derive(root, "claims-train:" + spec, r)` (each architecture its own stream), on
/// its own training subset; pairs drawn from `SeedSequence.derive(root, "claims-pairs", r)`.
/// Before training, the initialized network gives the untrained claim (synthetic same-class pairs
/// by feature visualization, the straight barrier, the free two-round bypass where it is > ε).
/// After training, pair i of class t = usable[i mod n] takes real images A, R of t, an image S of
/// another class attacked towards t (targeted attack, stop once CE(X) < CE(A)) and measures the
/// straight gaps A→R and A→X, the projected bypass of A→R where its gap is > ε, and the detection
/// scores of R and X: mean gap to K references of their predicted class, and CE(predicted).
///
/// Products: per statistic of ``ClaimMeasure/readmeClaims``, the percentile bootstrap over pairs
/// in each replicate (the `replicates` table) and the spread over replicates (the main table:
/// mean ± t-interval for K ≥ 3, min–max for K = 2), with the verdict of ``ClaimNull``.
public struct ClaimsExperiment: Experiment {
    /// An architecture and the dataset it is trained on.
    public struct Architecture: Codable, Sendable, Equatable {
        public var arch: String
        public var dataset: DataSource.Name
        public init(_ arch: String, _ dataset: DataSource.Name = .fashionMNIST) {
            self.arch = arch
            self.dataset = dataset
        }
    }

    public struct Configuration: ExperimentConfiguration {
        /// Architectures, each with its dataset (the five; resnet18-cifar on the 3×32×32 padding).
        public var architectures = [
            Architecture("mlp:784-256-10"), Architecture("mlp:784-256-256-10"), Architecture("mlp:784-500-300-10"),
            Architecture("cnn:1x28x28:c32k3p1-r-m2-c64k3p1-r-m2-f-l256-r-l10"),
            Architecture("resnet18-cifar:width=16", .fashionMNIST32),
        ]
        /// Independent replicates K per architecture (training seed, training subset, pair draw).
        public var replicates = 5
        /// IDX directory of Fashion-MNIST (nil: the Debian package's).
        public var dataDir: String? = nil
        /// Training examples per replicate (a random subset of the training split; 60000 = all).
        public var trainExamples = 60_000
        /// Training: epochs, batch size, Adam learning rate, cosine schedule (the catalog's network_train_*).
        public var epochs = 5
        public var batchSize = 64
        public var learningRate = 1e-3
        /// Test images the pairs are drawn from (the first N of the test split; correctly classified ones only).
        public var testExamples = 10_000
        /// Real pairs per replicate (each: a real–real pair, a real–adversarial pair, two detection inputs).
        public var pairs = 100
        /// Synthetic pairs per replicate on the untrained network (class i mod classes).
        public var syntheticPairs = 50
        /// K references per detection input.
        public var references = 5
        /// Points per straight path (endpoints included).
        public var points = 250
        /// ε: a pair "has a barrier" when its gap exceeds ε.
        public var gapThreshold = 1e-3
        /// Targeted attack (Adam on CE + w·MSE(x − S) + λ_tv·TV, pixels in [0, 1]; stops once CE < CE(A)).
        public var attackLearningRate = 0.005
        public var attackIterations = 1024
        public var attackDeviationWeight = 0.1
        public var attackTVWeight = 1e-8
        /// Targeted attack: keep pixels in [0, 1] after every step (ours; the seed paper's attack does not clip).
        public var attackClipsPixels = true
        /// Feature visualization of the synthetic inputs: Adam learning rate, at most this many steps, stop at CE below the threshold.
        public var synthesisLearningRate = 0.05
        public var synthesisIterations = 8192
        public var synthesisLossThreshold = 5e-4
        /// Bypass presets for trained (projected, 1 round) and untrained (free, `untrainedRounds` rounds) networks.
        public var trainedBypass = BypassSettings.trained
        public var untrainedBypass = BypassSettings.untrained
        public var untrainedRounds = 2
        /// Bootstrap resamples over pairs within a replicate.
        public var resamples = 1000
        /// A named protocol fixing the attack, bypasses, rounds, points and synthesis (nil: ours, all adjustable).
        /// The statistics are this experiment's own under either protocol (every drawn pair is used).
        public var `protocol`: ConnectivityProtocol? = nil
        public init() {}
    }

    public static let identifier = "claims"
    public static let revision = 1 + 100 * BarrierBypass.revision
    /// Its own `replicates` field draws the replicates (per architecture); the runner's are refused.
    public static let runsOwnReplicates = true
    public static let columns = ["claim", "architecture", "replicates", "statistic", "estimate", "ci_low", "ci_high", "verdict"]
    public static let extraTables = ["replicates": ["claim", "architecture", "replicate", "statistic", "estimate", "ci_low",
                                                    "ci_high", "pairs"]]

    public init() {}

    public struct Unit: Sendable {
        public var architecture: Int
        public var replicate: Int
    }

    /// Training and test splits by dataset name.
    public struct Setup: Sendable {
        var train: [DataSource.Name: Dataset]
        var test: [DataSource.Name: Dataset]
    }

    public func validate(_ c: Configuration) throws {
        guard c.replicates >= 1 else { throw ModeLatticeError.invalid("replicates", "must be at least 1 (got \(c.replicates))") }
        guard !c.architectures.isEmpty else { throw ModeLatticeError.invalid("architectures", "must name at least one architecture") }
        guard c.pairs >= 2 else { throw ModeLatticeError.invalid("pairs", "must be at least 2 (got \(c.pairs))") }
        guard c.syntheticPairs >= 1 else { throw ModeLatticeError.invalid("syntheticPairs", "must be at least 1 (got \(c.syntheticPairs))") }
        guard c.references >= 1 else { throw ModeLatticeError.invalid("references", "must be at least 1 (got \(c.references))") }
        guard c.points >= 3 else { throw ModeLatticeError.invalid("points", "must be at least 3 (got \(c.points))") }
        guard c.trainExamples >= 1, c.testExamples >= 4 else {
            throw ModeLatticeError.invalid("trainExamples", "needs at least 1 training and 4 test examples (got \(c.trainExamples), \(c.testExamples))")
        }
        guard c.epochs >= 1, c.batchSize >= 1, c.learningRate > 0 else {
            throw ModeLatticeError.invalid("epochs", "epochs and batch size must be at least 1 and the learning rate positive")
        }
        guard c.gapThreshold >= 0, c.resamples >= 1, c.untrainedRounds >= 1 else {
            throw ModeLatticeError.invalid("resamples", "needs ε ≥ 0, at least 1 resample and 1 bypass round")
        }
        try c.validatePreset()
        for a in c.architectures where a.dataset == .synthetic {
            throw ModeLatticeError.invalid("architectures", "dataset of \(a.arch) must be fashion-mnist or fashion-mnist-3x32x32 (got synthetic)")
        }
    }

    public func prepare(_ c: Configuration, _ s: RunSettings) throws -> Setup {
        var train: [DataSource.Name: Dataset] = [:], test: [DataSource.Name: Dataset] = [:]
        for name in Set(c.architectures.map(\.dataset)) {
            let source = DataSource(dataset: name, dataDir: c.dataDir)
            train[name] = try source.load(.train)
            test[name] = try source.load(.test).prefix(c.testExamples)
        }
        for a in c.architectures {
            let probe = try Sequential.random(spec: a.arch, seed: 0, generator: s.generator)
            try DataSource.check(test[a.dataset]!, fits: probe)
        }
        BLAS.setThreads(1)
        return Setup(train: train, test: test)
    }

    public func units(_ c: Configuration, _ setup: Setup) throws -> [Unit] {
        c.architectures.indices.flatMap { a in (0..<c.replicates).map { Unit(architecture: a, replicate: $0) } }
    }

    public func run(_ u: Unit, index: Int, _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> ClaimReplicate {
        let arch = c.architectures[u.architecture]
        let trainSeed = SeedSequence.derive(s.seed, stream: "claims-train:" + arch.arch, index: u.replicate)
        let pairSeed = SeedSequence.derive(s.seed, stream: "claims-pairs", index: u.replicate)
        var model = try Sequential.random(spec: arch.arch, seed: SeedSequence.derive(trainSeed, stream: "init", index: 0),
                                          generator: s.generator)
        let synthetic = try syntheticPairs(NetworkClassifier(model), c, seed: pairSeed, generator: s.generator)

        let train = try setup.train[arch.dataset]!.subset(c.trainExamples, seed: trainSeed, generator: s.generator)
        let training = TrainingConfiguration(epochs: c.epochs, batchSize: c.batchSize, optimizer: .adam,
                                             learningRate: Float(c.learningRate), schedule: .cosine, seed: trainSeed,
                                             generator: s.generator)
        _ = try Training.train(&model, on: train, configuration: training)
        let pool = try ClaimImagePool(classifier: NetworkClassifier(model), test: setup.test[arch.dataset]!)
        let real = try realPairs(pool, c, seed: pairSeed, generator: s.generator)
        return ClaimReplicate(architecture: u.architecture, replicate: u.replicate, testAccuracy: pool.accuracy,
                              realPairs: real, syntheticPairs: synthetic)
    }

    /// Synthetic pairs of the untrained network: straight gap, and the free bypass where gap > ε.
    func syntheticPairs(_ net: NetworkClassifier, _ c: Configuration, seed: UInt64,
                        generator: String) throws -> [ClaimReplicate.SyntheticPair] {
        var fv = FeatureVisualization()
        fv.learningRate = c.synthesisLearningRate
        fv.iterations = c.synthesisIterations
        fv.lossThreshold = c.synthesisLossThreshold
        return try (0..<c.syntheticPairs).map { i in
            let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "synthetic", index: i))
            let t = i % net.classCount
            let a = try fv.synthesize(classifier: net, target: t, rng: rng).input
            let b = try fv.synthesize(classifier: net, target: t, rng: rng).input
            let gap = try net.linearBarrier(from: a, to: b, target: t, points: c.points).barrier.barrierGap
            var pair = ClaimReplicate.SyntheticPair(gap: gap)
            if gap > c.gapThreshold {
                var settings = c.untrainedBypass
                settings.pointsPerSegment = c.points
                let r = try BarrierBypass.run(classifier: net, from: a, to: b, target: t, settings: settings, rounds: c.untrainedRounds)
                (pair.bypassGap, pair.bypassDeviation) = (r.barrier.barrierGap, r.deviation)
            }
            return pair
        }
    }

    /// Real pairs of the trained network (see the type's documentation).
    func realPairs(_ pool: ClaimImagePool, _ c: Configuration, seed: UInt64,
                   generator: String) throws -> [ClaimReplicate.RealPair] {
        let usable = pool.classes(minimum: 2 + c.references)
        guard usable.count >= 2 else {
            throw ModeLatticeError.data("the trained network classifies fewer than two classes with \(2 + c.references) correct test images; raise testExamples or training")
        }
        let net = pool.classifier
        var attack = TargetedAttack()
        attack.learningRate = c.attackLearningRate
        attack.iterations = c.attackIterations
        attack.deviationWeight = c.attackDeviationWeight
        attack.tvWeight = c.attackTVWeight
        attack.box = c.attackClipsPixels ? InputBox(lower: 0, upper: 1) : nil
        var bypass = c.trainedBypass
        bypass.pointsPerSegment = c.points
        return try (0..<c.pairs).map { i in
            let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "real", index: i))
            let t = usable[i % usable.count]
            let others = usable.filter { $0 != t }
            let source = others[rng.uniformInt(others.count)]
            let aIndex = pool.draw(t, rng: rng)
            let rIndex = pool.draw(t, rng: rng, excluding: [aIndex])
            let a = pool.image(aIndex), r = pool.image(rIndex)
            let lossA = try net.crossEntropy(a, targets: [t])[0]
            let x = try attack.run(classifier: net, source: pool.image(pool.draw(source, rng: rng)), target: t, stopLoss: lossA)
            let realGap = try net.linearBarrier(from: a, to: r, target: t, points: c.points).barrier.barrierGap
            let realFeatures = try BarrierDetector.features(
                classifier: net, input: r, predicted: t,
                references: (0..<c.references).map { _ in pool.image(pool.draw(t, rng: rng, excluding: [rIndex])) },
                points: c.points)
            var pair = ClaimReplicate.RealPair(realGap: realGap, realDetectionGap: realFeatures.barrierGap,
                                               realConfidence: realFeatures.confidence)
            if x.succeeded {
                pair.adversarialGap = try net.linearBarrier(from: a, to: x.input, target: t, points: c.points).barrier.barrierGap
                let f = try BarrierDetector.features(
                    classifier: net, input: x.input, predicted: t,
                    references: (0..<c.references).map { _ in pool.image(pool.draw(t, rng: rng)) }, points: c.points)
                (pair.adversarialDetectionGap, pair.adversarialConfidence) = (f.barrierGap, f.confidence)
            }
            if realGap > c.gapThreshold {
                let b = try BarrierBypass.run(classifier: net, from: a, to: r, target: t, settings: bypass, rounds: 1)
                (pair.bypassGap, pair.bypassDeviation) = (b.barrier.barrierGap, b.deviation)
            }
            return pair
        }
    }

    public func products(_ results: [ClaimReplicate], _ c: Configuration, _ setup: Setup,
                         _ s: RunSettings) throws -> ExperimentProducts {
        try ClaimsSummary.products(results, c, seed: s.seed, generator: s.generator)
    }
}

/// The correctly classified test images of a trained network, by class.
struct ClaimImagePool: Sendable {
    let classifier: NetworkClassifier
    let test: Dataset
    let byClass: [[Int]]
    let accuracy: Double

    init(classifier: NetworkClassifier, test: Dataset) throws {
        let predicted = try classifier.predictions(test.images, count: test.count)
        var byClass = [[Int]](repeating: [], count: classifier.classCount)
        for i in 0..<test.count where Int(test.labels[i]) == predicted[i] { byClass[predicted[i]].append(i) }
        self.classifier = classifier
        self.test = test
        self.byClass = byClass
        self.accuracy = Double(byClass.map(\.count).reduce(0, +)) / Double(test.count)
    }

    func classes(minimum: Int) -> [Int] { byClass.indices.filter { byClass[$0].count >= minimum } }

    func image(_ i: Int) -> [Float] {
        let d = test.exampleSize
        return Array(test.images[(i * d)..<((i + 1) * d)])
    }

    /// A uniformly random correctly classified image of class `c` other than `excluding`.
    func draw(_ c: Int, rng: RandomGenerator, excluding: Set<Int> = []) -> Int {
        let candidates = byClass[c].filter { !excluding.contains($0) }
        return candidates[rng.uniformInt(candidates.count)]
    }
}

/// Protocol presets of the claims: the targeted attack, the trained (projected) and untrained (free)
/// bypasses with their rounds, the barrier points (``ConnectivityProtocol/statisticsBarrierPoints``)
/// and the synthesis of untrained inputs.
extension ClaimsExperiment.Configuration: ProtocolConfigurable {
    public func applyingPreset(_ p: ConnectivityProtocol) -> Self {
        var c = self
        c.protocol = p
        let a = p.targetedAttack
        (c.attackLearningRate, c.attackIterations, c.attackDeviationWeight) = (a.learningRate, a.iterations, a.deviationWeight)
        (c.attackTVWeight, c.attackClipsPixels) = (a.tvWeight, a.box != nil)
        c.points = p.statisticsBarrierPoints
        (c.trainedBypass, c.untrainedBypass, c.untrainedRounds) = (p.bypass, p.untrainedBypass, p.untrainedBypassRounds)
        let fv = p.featureVisualization
        (c.synthesisLearningRate, c.synthesisIterations, c.synthesisLossThreshold) = (fv.learningRate, fv.iterations, fv.lossThreshold)
        return c
    }

    public func presetFields(_ p: ConnectivityProtocol) throws -> [(field: String, fixed: JSONValue, got: JSONValue)] {
        let f = applyingPreset(p)
        return [try presetField("points", f.points, points),
                try presetField("attackLearningRate", f.attackLearningRate, attackLearningRate),
                try presetField("attackIterations", f.attackIterations, attackIterations),
                try presetField("attackDeviationWeight", f.attackDeviationWeight, attackDeviationWeight),
                try presetField("attackTVWeight", f.attackTVWeight, attackTVWeight),
                try presetField("attackClipsPixels", f.attackClipsPixels, attackClipsPixels),
                try presetField("trainedBypass", f.trainedBypass, trainedBypass),
                try presetField("untrainedBypass", f.untrainedBypass, untrainedBypass),
                try presetField("untrainedRounds", f.untrainedRounds, untrainedRounds),
                try presetField("synthesisLearningRate", f.synthesisLearningRate, synthesisLearningRate),
                try presetField("synthesisIterations", f.synthesisIterations, synthesisIterations),
                try presetField("synthesisLossThreshold", f.synthesisLossThreshold, synthesisLossThreshold)]
    }
}
