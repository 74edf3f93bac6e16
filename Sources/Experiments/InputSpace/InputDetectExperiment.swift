import Connectivity
import Foundation
import NetworkCore
import Support

/// Detection of adversarial inputs by the loss barriers between an input and K real references of
/// its predicted class (Vrabel et al. 2025, §4.2), beside the confidence baseline, on held-out
/// real and adversarial inputs; AUROC with a bootstrap 95% interval and TPR at 5% FPR.
///
/// Correctly classified test images are split into references and examples
/// (``CorrectlyClassifiedImages``). Units 0..<N score real examples; then, per attack, N units
/// attack a real example towards a random other class (only successful attacks are kept). Each
/// unit draws its example, target and K references with derive(seed, "input-detect", u).
/// Even-numbered examples fit the curve classifier, odd-numbered ones are held out for every score.
public struct InputDetectExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// The classifier: a saved model (the trained network), or one untrained architecture.
        public var network = NetworkSource()
        /// The data whose test split supplies references and examples.
        public var data = DataSource()
        /// Attacks, one or more of targeted, fgsm, pgd (repeats ignored).
        public var attacks = [AttackKind.targeted]
        /// Attack settings (presets of the targeted attack included).
        public var attackSettings = AttackSettings()
        /// Real references per input (K).
        public var references = 5
        /// Real examples, and attacked examples per attack (N ≥ 4: half fit the classifier, half are held out).
        public var examples = 100
        /// Bootstrap resamples for the AUROC interval.
        public var resamples = 1000
        /// Points per straight path.
        public var points = 250
        public init() {}

        /// The attacks without repeats, in order.
        var distinctAttacks: [AttackKind] {
            var out: [AttackKind] = []
            for a in attacks where !out.contains(a) { out.append(a) }
            return out
        }
    }

    public static let identifier = "input_detect"
    public static let revision = 1
    public static let columns = ["attack", "score", "auroc", "auroc_low", "auroc_high", "tpr_at_5fpr", "n_real", "n_adversarial"]
    /// `scores`: every held-out score (label real or adversarial).
    public static let extraTables = ["scores": ["attack", "score", "label", "value"]]

    public init() {}

    public struct Setup: Sendable {
        var images: CorrectlyClassifiedImages
        var usable: [Int]
    }

    /// One scored input: its features, or nil for an attack that failed (excluded).
    public struct Outcome: Codable, Sendable {
        var features: DetectionFeatures?
    }

    public func validate(_ c: Configuration) throws {
        try InputTables.validateSingle(c.network)
        try c.data.validate()
        try c.attackSettings.validate()
        guard c.examples >= 4 else {
            throw ModeLatticeError.invalid("examples", "must be at least 4 (got \(c.examples)): half fit the classifier, half are held out")
        }
        guard c.references >= 1 else { throw ModeLatticeError.invalid("references", "must be at least 1 (got \(c.references))") }
        guard c.resamples >= 1 else { throw ModeLatticeError.invalid("resamples", "must be at least 1 (got \(c.resamples))") }
        guard !c.attacks.isEmpty else { throw ModeLatticeError.invalid("attacks", "needs at least one of targeted, fgsm, pgd") }
        try InputTables.validatePoints(c.points)
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> Setup {
        BLAS.setThreads(1)
        let images = try CorrectlyClassifiedImages.load(network: c.network, data: c.data, settings: settings)
        let usable = images.byClass.indices.filter {
            !images.pool($0, .references).isEmpty && !images.pool($0, .examples).isEmpty
        }
        guard usable.count >= 2 else { throw ModeLatticeError.data("need two classes with at least two correctly classified test images") }
        return Setup(images: images, usable: usable)
    }

    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] { Array(0..<(c.examples * (1 + c.distinctAttacks.count))) }

    public func run(_ u: Int, index: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> Outcome {
        let rng = try RandomGenerator(algorithm: settings.generator, seed: SeedSequence.derive(settings.seed, stream: "input-detect", index: u))
        let images = setup.images, classifier = images.classifier, usable = setup.usable, n = c.examples
        let s = usable[rng.uniformInt(usable.count)]
        var x = images.image(images.randomImage(of: s, rng: rng, pool: .examples))
        if u >= n {
            let kind = c.distinctAttacks[(u - n) / n]
            let others = usable.filter { $0 != s }
            let t = others[rng.uniformInt(others.count)]
            let reference = images.image(images.randomImage(of: t, rng: rng, pool: .references))
            let stop = try classifier.crossEntropy(reference, targets: [t])[0]
            let result = try c.attackSettings.attack(kind, classifier: classifier, source: x, target: t, stopLoss: stop)
            guard result.succeeded else { return Outcome(features: nil) }
            x = result.input
        }
        let predicted = try classifier.predictions(x, count: 1)[0]
        let pool = images.pool(predicted, .references)
        guard !pool.isEmpty else { return Outcome(features: nil) }
        let refs = (0..<c.references).map { _ in images.image(pool[rng.uniformInt(pool.count)]) }
        return Outcome(features: try BarrierDetector.features(classifier: classifier, input: x, predicted: predicted,
                                                              references: refs, points: c.points))
    }

    public func products(_ units: [Outcome], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        let n = c.examples
        let real = units[0..<n].compactMap(\.features)
        var table = Table(columns: Self.columns)
        var scoreTable = Table(columns: Self.extraTables["scores"]!)
        var notes: [String] = []
        for (a, kind) in c.distinctAttacks.enumerated() {
            let adversarial = units[(n * (a + 1))..<(n * (a + 2))].compactMap(\.features)
            notes.append("\(kind.rawValue): \(adversarial.count) of \(n) attacks succeeded")
            guard adversarial.count >= 2 else {
                throw ModeLatticeError.data("attack \(kind.rawValue) succeeded on \(adversarial.count) of \(n) examples; detection needs at least 2 (raise epsilon or examples)")
            }
            let outcomes = try BarrierDetector.evaluate(real: real, adversarial: adversarial, resamples: c.resamples,
                                                        seed: SeedSequence.derive(settings.seed, stream: "detect-\(kind.rawValue)", index: 0))
            // Ablation (notes only): the same classifier on the sorted logits alone, without loss curves.
            let logitsOnly = try BarrierDetector.classifierSummary(
                real: real, adversarial: adversarial, row: \.sortedLogits, resamples: c.resamples,
                seed: SeedSequence.derive(settings.seed, stream: "detect-logits-\(kind.rawValue)", index: 0))
            notes.append(String(format: "%@ ablation, logits-only classifier: AUROC %.3f [%.3f, %.3f]", kind.rawValue,
                                logitsOnly.auroc, logitsOnly.aurocLow, logitsOnly.aurocHigh))
            for o in outcomes {
                let s = o.summary
                table.append([.text(kind.rawValue), .text(o.score.rawValue), .double(s.auroc), .double(s.aurocLow),
                              .double(s.aurocHigh), .double(s.tprAt5FPR), .int(s.negatives), .int(s.positives)])
                notes.append(String(format: "%@ %@: AUROC %.3f [%.3f, %.3f], TPR@5%%FPR %.3f (held out: %d real, %d adversarial)",
                                    kind.rawValue, o.score.rawValue, s.auroc, s.aurocLow, s.aurocHigh, s.tprAt5FPR,
                                    s.negatives, s.positives))
                for v in o.realScores { scoreTable.append([.text(kind.rawValue), .text(o.score.rawValue), "real", .double(v)]) }
                for v in o.adversarialScores {
                    scoreTable.append([.text(kind.rawValue), .text(o.score.rawValue), "adversarial", .double(v)])
                }
            }
        }
        return ExperimentProducts(tables: [ExperimentProducts.mainRole: table, "scores": scoreTable], notes: notes)
    }
}
