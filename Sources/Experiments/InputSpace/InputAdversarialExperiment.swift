import Connectivity
import Foundation
import NetworkCore
import Support

/// Barriers between a real image of a class and an adversarial input made to look like that
/// class, beside real–real pairs of the same class (Vrabel et al. 2025, §4.2, Fig. 6).
///
/// Pair i has target class t = i mod (usable classes) (or `onlyClass`) and real reference A, a
/// correctly classified test image of t; its real–real row joins A to another such image, its
/// real–adversarial row joins A to an attack towards t on a real image of a random other class.
/// The targeted attack stops once CE(x, t) < CE(A, t), so the endpoint losses match.
public struct InputAdversarialExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// The classifier: a saved model (the trained network), or one untrained architecture.
        public var network = NetworkSource()
        /// The data whose test split supplies the real images.
        public var data = DataSource()
        /// Attack: targeted (the paper's), fgsm or pgd.
        public var attack = AttackKind.targeted
        /// Attack settings (presets of the targeted attack included).
        public var attackSettings = AttackSettings()
        /// Number of pairs (each gives a real–real and a real–adversarial row).
        public var pairs = 100
        /// Points per straight path.
        public var points = 250
        /// Use only this target class (nil: the usable classes in turn).
        public var onlyClass: Int? = nil
        /// Keep, per target class and pair type, only the pairs with the smallest |loss_a − loss_c|
        /// (nil: every pair; the seed paper's §4.2: draw 7, keep 5).
        public var pairSelection: PairSelection? = nil
        /// A named protocol fixing the attack, points, pair count and pair selection (nil: ours, all adjustable).
        public var `protocol`: ConnectivityProtocol? = nil
        /// Real–adversarial pairs with the largest gaps whose A, B, B′, X are written as image strips (0: none).
        public var imageStrips = 0
        /// The projected bypass that makes B′ of a strip (one round; its pointsPerSegment is `points`).
        public var stripBypass = BypassSettings.trained
        public init() {}
    }

    public static let identifier = "input_adversarial"
    public static let revision = 1
    public static let columns = ["pair", "pair_type", "source_class", "target_class", "loss_a", "loss_c",
                                 "barrier_max", "barrier_gap"]
    /// `strips`: loss and predicted class of A, B, B′, X (as C) of the image-strip pairs (images in
    /// the `strip_images` file, .npy float32 [strips, 4, C, H, W]).
    public static let extraTables = ["strips": ImageStrip.columns]

    public init() {}

    public struct Setup: Sendable {
        var images: CorrectlyClassifiedImages
        var usable: [Int]
        var targets: [Int]
    }

    public struct Outcome: Codable, Sendable {
        var target: Int
        var source: Int
        var realReal: Barrier
        var realAdversarial: Barrier
        var succeeded: Bool
        var attackSteps: Int
        var linfDistance: Double
    }

    public func validate(_ c: Configuration) throws {
        try InputTables.validateSingle(c.network)
        try c.data.validate()
        try c.attackSettings.validate()
        guard c.pairs >= 1 else { throw ModeLatticeError.invalid("pairs", "must be at least 1 (got \(c.pairs))") }
        try InputTables.validatePoints(c.points)
        if let k = c.onlyClass, k < 0 { throw ModeLatticeError.invalid("onlyClass", "must be a class index of the model (got \(k))") }
        if let s = c.pairSelection, s.keptPerClass < 1 || s.drawnPerClass < s.keptPerClass {
            throw ModeLatticeError.invalid("pairSelection", "must keep at least 1 of at least as many drawn pairs per class (got \(s.keptPerClass) of \(s.drawnPerClass))")
        }
        try c.validatePreset()
        guard c.imageStrips >= 0 && c.imageStrips <= c.pairs else {
            throw ModeLatticeError.invalid("imageStrips", "must be in 0...pairs (got \(c.imageStrips))")
        }
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> Setup {
        BLAS.setThreads(1)
        let images = try CorrectlyClassifiedImages.load(network: c.network, data: c.data, onlyClass: c.onlyClass, settings: settings)
        let usable = images.usableClasses(minimum: 2)
        let targets = c.onlyClass.map { [$0] } ?? usable
        guard !targets.isEmpty, usable.count >= 2 else {
            throw ModeLatticeError.data("need two classes with two correctly classified test images each")
        }
        return Setup(images: images, usable: usable, targets: targets)
    }

    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] { Array(0..<c.pairs) }

    public func run(_ i: Int, index: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> Outcome {
        try pair(i, c, setup, settings).outcome
    }

    /// Pair `i`: its outcome, and the reference A and adversarial endpoint X (for image strips).
    func pair(_ i: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> (outcome: Outcome, a: [Float], x: [Float]) {
        let rng = try RandomGenerator(algorithm: settings.generator, seed: SeedSequence.derive(settings.seed, stream: "input-adversarial", index: i))
        let images = setup.images, classifier = images.classifier
        let t = setup.targets[i % setup.targets.count]
        let others = setup.usable.filter { $0 != t }
        let s = others[rng.uniformInt(others.count)]
        let aIndex = images.randomImage(of: t, rng: rng)
        let a = images.image(aIndex)
        let real = images.image(images.randomImage(of: t, rng: rng, excluding: [aIndex]))
        let source = images.image(images.randomImage(of: s, rng: rng))
        let lossA = try classifier.crossEntropy(a, targets: [t])[0]
        let adversarial = try c.attackSettings.attack(c.attack, classifier: classifier, source: source, target: t, stopLoss: lossA)
        let rr = try classifier.linearBarrier(from: a, to: real, target: t, points: c.points).barrier
        let ra = try classifier.linearBarrier(from: a, to: adversarial.input, target: t, points: c.points).barrier
        let linf = zip(adversarial.input, source).map { Double(abs($0 - $1)) }.max() ?? 0
        return (Outcome(target: t, source: s, realReal: rr, realAdversarial: ra, succeeded: adversarial.succeeded,
                        attackSteps: adversarial.steps, linfDistance: linf), a, adversarial.input)
    }

    /// The image strip of the real–adversarial pair `i`: A, the straight barrier point B, its
    /// projected bypass point B′ (``Configuration/stripBypass``), and X.
    func strip(_ i: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ImageStrip {
        let (o, a, x) = try pair(i, c, setup, settings)
        let classifier = setup.images.classifier
        var bypass = c.stripBypass
        bypass.pointsPerSegment = c.points
        let point = try BarrierBypass.run(classifier: classifier, from: a, to: x, target: o.target, settings: bypass,
                                          rounds: 1).points.first?.point
        return try ImageStrip.make(pair: i, pairClass: o.target, a: a, c: x, barrier: o.realAdversarial, bypassPoint: point,
                                   classifier: classifier)
    }

    public func products(_ outcomes: [Outcome], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        let keptRR = try Self.kept(outcomes, c.pairSelection, \.realReal)
        let keptRA = try Self.kept(outcomes, c.pairSelection, \.realAdversarial)
        for (i, o) in outcomes.enumerated() {
            for (type, b, s, keep) in [("real-real", o.realReal, o.target, keptRR), ("real-adversarial", o.realAdversarial, o.source, keptRA)]
            where keep.contains(i) {
                table.append([.int(i), .text(type), .int(s), .int(o.target), .double(b.lossA), .double(b.lossC),
                              .double(b.barrierMax), .double(b.barrierGap)])
            }
        }
        var notes = Self.summary(outcomes)
        if let s = c.pairSelection {
            notes.append("pair selection: per target class, the \(s.keptPerClass) of \(s.drawnPerClass) drawn pairs with the smallest |loss_a - loss_c| kept, for each pair type (the summary above is over all drawn pairs)")
        }
        var products = ExperimentProducts(table: table, notes: notes)
        if c.imageStrips > 0 {
            let gaps = outcomes.map { $0.succeeded ? $0.realAdversarial.barrierGap : -1 }
            let strips = try ImageStrip.largestGaps(gaps, count: c.imageStrips).map { try strip($0, c, setup, settings) }
            let (t, npy) = ImageStrip.products(strips, imageShape: setup.images.dataset.shape)
            products.tables["strips"] = t
            products.files["strip_images"] = npy
        }
        return products
    }

    /// Indices of the pairs kept by `selection` (all when nil), grouped by target class.
    static func kept(_ outcomes: [Outcome], _ selection: PairSelection?, _ barrier: KeyPath<Outcome, Barrier>) throws -> Set<Int> {
        guard let selection else { return Set(outcomes.indices) }
        return Set(try selection.kept(classes: outcomes.map(\.target), lossA: outcomes.map { $0[keyPath: barrier].lossA },
                                      lossC: outcomes.map { $0[keyPath: barrier].lossC }))
    }

    static func summary(_ outcomes: [Outcome]) -> [String] {
        let n = Double(outcomes.count)
        let rr = outcomes.map(\.realReal.barrierGap), ra = outcomes.map(\.realAdversarial.barrierGap)
        let meanRR = rr.reduce(0, +) / n, meanRA = ra.reduce(0, +) / n
        let median = InputTables.median
        return [
            String(format: "real-real: mean barrier_gap %.4g, median %.4g, %.1f%% with gap > 1e-3; mean barrier_max %.4g",
                   meanRR, median(rr), 100 * Double(rr.filter { $0 > 1e-3 }.count) / n,
                   outcomes.map(\.realReal.barrierMax).reduce(0, +) / n),
            String(format: "real-adversarial: mean barrier_gap %.4g, median %.4g, %.1f%% with gap > 1e-3; mean barrier_max %.4g",
                   meanRA, median(ra), 100 * Double(ra.filter { $0 > 1e-3 }.count) / n,
                   outcomes.map(\.realAdversarial.barrierMax).reduce(0, +) / n),
            String(format: "ratio of mean gaps (real-adversarial / real-real): %.3g; attack success %.1f%%, median steps %.0f, median L-inf distance %.3g",
                   meanRR > 0 ? meanRA / meanRR : .infinity, 100 * Double(outcomes.filter(\.succeeded).count) / n,
                   median(outcomes.map { Double($0.attackSteps) }), median(outcomes.map(\.linfDistance))),
        ]
    }
}

/// Protocol presets of real–adversarial pairs: the targeted attack of the protocol, barriers at
/// ``ConnectivityProtocol/statisticsBarrierPoints`` points, and for `vrabel2024` the pair filter
/// (7 drawn per class, 5 kept) with 7 pairs per class of a 10-class model (70; 7 with `onlyClass`).
extension InputAdversarialExperiment.Configuration: ProtocolConfigurable {
    public func applyingPreset(_ p: ConnectivityProtocol) -> Self {
        var c = self
        c.protocol = p
        c.attack = .targeted
        c.attackSettings = attackSettings.withTargetedAttack(of: p)
        c.points = p.statisticsBarrierPoints
        c.pairSelection = p.pairSelection
        if let s = p.pairSelection { c.pairs = s.drawnPerClass * (onlyClass == nil ? 10 : 1) }
        return c
    }

    public func presetFields(_ p: ConnectivityProtocol) throws -> [(field: String, fixed: JSONValue, got: JSONValue)] {
        let fixed = applyingPreset(p)
        var fields = [try presetField("attack", fixed.attack, attack),
                      try presetField("points", fixed.points, points),
                      try presetField("attackSettings", fixed.attackSettings, attackSettings),
                      try presetField("pairSelection", fixed.pairSelection, pairSelection)]
        if p.pairSelection != nil { fields.append(try presetField("pairs", fixed.pairs, pairs)) }
        return fields
    }
}
