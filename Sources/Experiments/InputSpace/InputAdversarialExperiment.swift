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
        public init() {}
    }

    public static let identifier = "input_adversarial"
    public static let revision = 1
    public static let columns = ["pair", "pair_type", "source_class", "target_class", "loss_a", "loss_c",
                                 "barrier_max", "barrier_gap"]

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
        return Outcome(target: t, source: s, realReal: rr, realAdversarial: ra, succeeded: adversarial.succeeded,
                       attackSteps: adversarial.steps, linfDistance: linf)
    }

    public func products(_ outcomes: [Outcome], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        for (i, o) in outcomes.enumerated() {
            for (type, b, s) in [("real-real", o.realReal, o.target), ("real-adversarial", o.realAdversarial, o.source)] {
                table.append([.int(i), .text(type), .int(s), .int(o.target), .double(b.lossA), .double(b.lossC),
                              .double(b.barrierMax), .double(b.barrierGap)])
            }
        }
        return ExperimentProducts(table: table, notes: Self.summary(outcomes))
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
