import Connectivity
import Foundation
import NetworkCore
import Support

/// Loss barriers between synthetic same-class inputs of a network at initialization and at
/// checkpoints through its first training batches (Vrabel et al. 2025, App. F.1: ResNet-18, 10
/// classes × 5 pairs, batch 512, Adam 1e-3, first 30 batches); with `bypass`, the untrained
/// network's pairs are also bent by the free (unconstrained) bypass (their Fig. 7).
///
/// Training is ``Training/train(_:on:evaluation:configuration:onStep:onEpoch:afterStep:)`` for
/// `batches` steps (epoch e visits the data in the GSL permutation derive(seed, "shuffle", e);
/// batch norm in training mode), and the network is kept at every checkpoint t (batches done).
/// At each checkpoint, each of the classes × pairs units synthesizes two inputs of its class by
/// feature visualization (inference mode: running batch-norm statistics) from its own seed
/// derive(seed, "evolution", t·units + unit) and measures the CE barrier of the straight path.
public struct BarrierEvolutionExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// The network: an untrained architecture initialized from the seed (or a saved model).
        public var network = NetworkSource(arch: "resnet18-cifar")
        /// Training data (read only when a checkpoint is after batch 0).
        public var data = DataSource(dataset: .fashionMNIST32)
        /// Training batches to run.
        public var batches = 30
        /// Training batch size (batch norm uses the statistics of the whole batch).
        public var batchSize = 512
        /// Adam learning rate.
        public var learningRate: Float = 1e-3
        /// Checkpoints (batches done) to measure at (nil: every batch 0...batches).
        public var checkpoints: [Int]? = nil
        /// Classes to use, 0..<classes (nil: every output of the model).
        public var classes: Int? = nil
        /// Synthetic pairs per class.
        public var pairsPerClass = 5
        /// Points per straight path.
        public var points = 250
        /// Feature visualization of the synthetic inputs.
        public var featureVisualization = FeatureVisualization()
        /// Also bend the untrained network's pairs by the bypass (the `bypass` table).
        public var bypass = false
        /// Bypass rounds.
        public var bypassRounds = 2
        /// Bypass settings (the untrained-network preset; its pointsPerSegment must equal `points`).
        public var bypassSettings = BypassSettings.untrained
        /// Untrained pairs with the largest straight-line gaps whose A, B, B′, C are written as image strips (0: none).
        public var imageStrips = 0
        public init() {}

        /// The checkpoints, sorted, without repeats.
        var marks: [Int] { checkpoints.map { Array(Set($0)).sorted() } ?? Array(0...max(0, batches)) }
    }

    public static let identifier = "barrier_evolution"
    public static let revision = 1
    public static let columns = ["batch", "class", "pair", "barrier_max", "barrier_gap"]
    /// `bypass`: the untrained network's pairs, straight and bent.
    /// `strips`: loss and predicted class of A, B, B′, C of the untrained image-strip pairs (images in
    /// the `strip_images` file, .npy float32 [strips, 4, C, H, W]).
    public static let extraTables = ["bypass": ["pair", "class", "barrier_max", "barrier_gap", "bypass_barrier_max",
                                                "bypass_barrier_gap", "bypass_deviation", "bypass_steps", "bypass_status"],
                                     "strips": ImageStrip.columns]

    public init() {}

    public struct Setup: Sendable {
        var marks: [Int]
        /// The network at each checkpoint, in the order of `marks`.
        var classifiers: [NetworkClassifier]
        var classes: Int
        var notes: [String]
    }

    public struct BypassRow: Codable, Sendable {
        var barrier: Barrier
        var deviation: Double
        var steps: Int
        var status: BypassStatus
    }

    /// One pair at one checkpoint.
    public struct Outcome: Codable, Sendable {
        var linear: Barrier
        var bypass: BypassRow?
    }

    public func validate(_ c: Configuration) throws {
        try InputTables.validateSingle(c.network)
        try c.data.validate()
        guard c.batches >= 0 else { throw ModeLatticeError.invalid("batches", "must be at least 0 (got \(c.batches))") }
        guard c.batchSize >= 1 else { throw ModeLatticeError.invalid("batchSize", "must be at least 1 (got \(c.batchSize))") }
        guard c.learningRate > 0, c.learningRate.isFinite else {
            throw ModeLatticeError.invalid("learningRate", "must be positive (got \(c.learningRate))")
        }
        if let marks = c.checkpoints {
            guard !marks.isEmpty, marks.allSatisfy({ (0...c.batches).contains($0) }) else {
                throw ModeLatticeError.invalid("checkpoints", "must be batch counts in 0...\(c.batches) (got \(marks))")
            }
        }
        if let k = c.classes, k < 1 { throw ModeLatticeError.invalid("classes", "must be at least 1 (got \(k))") }
        guard c.pairsPerClass >= 1 else { throw ModeLatticeError.invalid("pairsPerClass", "must be at least 1 (got \(c.pairsPerClass))") }
        try InputTables.validatePoints(c.points)
        guard c.featureVisualization.iterations >= 0 else {
            throw ModeLatticeError.invalid("featureVisualization.iterations", "must be at least 0 (got \(c.featureVisualization.iterations))")
        }
        guard c.bypassRounds >= 1 else { throw ModeLatticeError.invalid("bypassRounds", "must be at least 1 (got \(c.bypassRounds))") }
        guard c.imageStrips >= 0 else { throw ModeLatticeError.invalid("imageStrips", "must be at least 0 (got \(c.imageStrips))") }
        guard c.bypassSettings.pointsPerSegment == c.points else {
            throw ModeLatticeError.invalid("bypassSettings", "must have pointsPerSegment equal to points (got \(c.bypassSettings.pointsPerSegment) and \(c.points))")
        }
    }

    /// Initializes the network and trains it to the last checkpoint, keeping it at every checkpoint.
    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> Setup {
        BLAS.setThreads(1)
        let marks = c.marks
        var net = try c.network.sequential(0, seed: settings.seed, generator: settings.generator)
        let k = c.classes ?? net.outputSize
        guard k <= net.outputSize else { throw ModeLatticeError.invalid("classes", "\(k) exceeds the model's \(net.outputSize) outputs") }
        var kept: [Int: Sequential] = [0: net]
        var notes: [String] = []
        var dataName = "none (no training)"
        if let last = marks.last, last > 0 {
            let train = try c.data.load(.train)
            try DataSource.check(train, fits: net)
            dataName = train.name
            let wanted = Set(marks)
            let training = TrainingConfiguration(epochs: 0, batchSize: c.batchSize, optimizer: .adam, learningRate: c.learningRate,
                                                 seed: settings.seed, generator: settings.generator, steps: last)
            _ = try Training.train(&net, on: train, configuration: training, afterStep: { step, loss, model in
                notes.append(String(format: "batch %d: training loss %.4f", step, loss))
                if wanted.contains(step) { kept[step] = model }
            })
        }
        notes.insert("network: \(c.network); data: \(dataName)", at: 0)
        return Setup(marks: marks, classifiers: marks.map { NetworkClassifier(kept[$0]!) }, classes: k, notes: notes)
    }

    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] {
        Array(0..<(setup.marks.count * setup.classes * c.pairsPerClass))
    }

    public func run(_ u: Int, index: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> Outcome {
        let (k, a, b, linear) = try pair(u, c, setup, settings)
        let classifier = setup.classifiers[u / (setup.classes * c.pairsPerClass)]
        guard c.bypass && setup.marks[u / (setup.classes * c.pairsPerClass)] == 0 else { return Outcome(linear: linear) }
        let r = try BarrierBypass.run(classifier: classifier, from: a, to: b, target: k, settings: c.bypassSettings,
                                      rounds: c.bypassRounds)
        return Outcome(linear: linear, bypass: BypassRow(barrier: r.barrier, deviation: r.deviation,
                                                         steps: r.points.map(\.steps).max() ?? 0, status: r.status))
    }

    /// Unit `u`'s class, synthetic endpoints and straight barrier (from its own seed).
    func pair(_ u: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> (Int, [Float], [Float], Barrier) {
        let perMark = setup.classes * c.pairsPerClass
        let m = u / perMark, i = u % perMark, mark = setup.marks[m]
        let classifier = setup.classifiers[m]
        let rng = try RandomGenerator(algorithm: settings.generator,
                                      seed: SeedSequence.derive(settings.seed, stream: "evolution", index: mark * perMark + i))
        let k = i / c.pairsPerClass
        let a = try c.featureVisualization.synthesize(classifier: classifier, target: k, rng: rng).input
        let b = try c.featureVisualization.synthesize(classifier: classifier, target: k, rng: rng).input
        return (k, a, b, try classifier.linearBarrier(from: a, to: b, target: k, points: c.points).barrier)
    }

    /// The image strip of unit `u` at the untrained checkpoint: A, B, the first-round bypass point B′, C.
    func strip(_ u: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ImageStrip {
        let (k, a, b, linear) = try pair(u, c, setup, settings)
        let classifier = setup.classifiers[u / (setup.classes * c.pairsPerClass)]
        let point = c.bypass ? try BarrierBypass.run(classifier: classifier, from: a, to: b, target: k, settings: c.bypassSettings,
                                                     rounds: c.bypassRounds).points.first?.point : nil
        return try ImageStrip.make(pair: u % (setup.classes * c.pairsPerClass), pairClass: k, a: a, c: b, barrier: linear,
                                   bypassPoint: point, classifier: classifier)
    }

    public func products(_ outcomes: [Outcome], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        let perMark = setup.classes * c.pairsPerClass, per = c.pairsPerClass
        var table = Table(columns: Self.columns)
        var bypassTable = Table(columns: Self.extraTables["bypass"]!)
        var notes = setup.notes
        for (m, mark) in setup.marks.enumerated() {
            let here = Array(outcomes[(m * perMark)..<((m + 1) * perMark)])
            for (i, o) in here.enumerated() {
                table.append([.int(mark), .int(i / per), .int(i % per), .double(o.linear.barrierMax), .double(o.linear.barrierGap)])
                if let r = o.bypass {
                    bypassTable.append([.int(i), .int(i / per), .double(o.linear.barrierMax), .double(o.linear.barrierGap),
                                        .double(r.barrier.barrierMax), .double(r.barrier.barrierGap), .double(r.deviation),
                                        .int(r.steps), .text(r.status.rawValue)])
                }
            }
            let gaps = here.map(\.linear.barrierGap)
            notes.append(String(format: "batch %d: mean barrier_gap %.4g, max %.4g, %d of %d pairs with gap > 1e-3", mark,
                                gaps.reduce(0, +) / Double(gaps.count), gaps.max() ?? 0, gaps.filter { $0 > 1e-3 }.count, gaps.count))
            if c.bypass && mark == 0 {
                let after = here.compactMap { $0.bypass?.barrier.barrierGap }
                notes.append(String(format: "untrained bypass (%d rounds): mean barrier_gap %.4g -> %.4g", c.bypassRounds,
                                    gaps.reduce(0, +) / Double(gaps.count), after.reduce(0, +) / Double(max(1, after.count))))
                let capped = here.filter { $0.bypass?.status == .stepCap }.count
                notes.append("untrained bypass: \(capped) of \(here.count) pairs hit the step cap (best path seen kept)")
            }
        }
        var tables = [ExperimentProducts.mainRole: table]
        if c.bypass { tables["bypass"] = bypassTable }
        var products = ExperimentProducts(tables: tables, notes: notes)
        if c.imageStrips > 0, let first = setup.marks.firstIndex(of: 0) {
            let units = Array((first * perMark)..<((first + 1) * perMark))
            let chosen = ImageStrip.largestGaps(units.map { outcomes[$0].linear.barrierGap }, count: c.imageStrips)
            let strips = try chosen.map { try strip(units[$0], c, setup, settings) }
            let (t, npy) = ImageStrip.products(strips, imageShape: setup.classifiers[first].model.inputShape)
            products.tables["strips"] = t
            products.files["strip_images"] = npy
        }
        return products
    }
}
