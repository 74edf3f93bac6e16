import Connectivity
import Support

/// The attacks the input-space experiments compare: the protocol's targeted attack (Vrabel et al.
/// 2025, §4.2) and the standard FGSM and L∞ PGD, all targeted at one class.
public enum AttackKind: String, CaseIterable, Sendable, Codable {
    case targeted, fgsm, pgd
}

/// Attack settings, library presets included (so a changed preset changes the fingerprint):
/// the targeted attack minimizes CE(x, t) + w·mean((x − S)²) + λ_tv·TV(x − S) by Adam and stops
/// once CE falls below the reference's; FGSM and PGD work in the L∞ ball of radius ε. Pixels are
/// kept in [0, 1] by every attack (the targeted one unless `targetedClipsPixels` is off).
public struct AttackSettings: Codable, Sendable, Equatable {
    /// L∞ radius ε of FGSM and PGD (pixels in [0, 1]).
    public var epsilon = 0.1
    /// PGD steps.
    public var pgdSteps = 40
    /// PGD step size.
    public var pgdStepSize = 0.01
    /// Targeted attack: Adam learning rate.
    public var targetedLearningRate = TargetedAttack().learningRate
    /// Targeted attack: most Adam steps.
    public var targetedIterations = TargetedAttack().iterations
    /// Targeted attack: weight w of the mean squared deviation from the source.
    public var targetedDeviationWeight = TargetedAttack().deviationWeight
    /// Targeted attack: weight λ_tv of the total variation of the deviation.
    public var targetedTVWeight = TargetedAttack().tvWeight
    /// Targeted attack: keep pixels in [0, 1] after every step (ours; the seed paper's attack does not clip).
    public var targetedClipsPixels = true

    public init() {}

    public func validate() throws {
        guard epsilon > 0 else { throw ModeLatticeError.invalid("epsilon", "must be positive (got \(epsilon))") }
        guard pgdSteps >= 1 else { throw ModeLatticeError.invalid("pgdSteps", "must be at least 1 (got \(pgdSteps))") }
        guard pgdStepSize > 0 else { throw ModeLatticeError.invalid("pgdStepSize", "must be positive (got \(pgdStepSize))") }
        guard targetedIterations >= 0 else {
            throw ModeLatticeError.invalid("targetedIterations", "must be at least 0 (got \(targetedIterations))")
        }
    }

    /// Moves `source` towards class `target`; the targeted attack stops once CE(target) < `stopLoss`.
    public func attack(_ kind: AttackKind, classifier: some InputClassifier, source: [Float], target: Int,
                       stopLoss: Double) throws -> AttackResult {
        let box = InputBox(lower: 0, upper: 1)
        switch kind {
        case .targeted:
            var a = TargetedAttack()
            a.learningRate = targetedLearningRate
            a.iterations = targetedIterations
            a.deviationWeight = targetedDeviationWeight
            a.tvWeight = targetedTVWeight
            a.box = targetedClipsPixels ? box : nil
            return try a.run(classifier: classifier, source: source, target: target, stopLoss: stopLoss)
        case .fgsm:
            var a = FGSMAttack(epsilon: epsilon)
            a.box = box
            return try a.run(classifier: classifier, source: source, goal: .targeted(target))
        case .pgd:
            var a = PGDAttack(epsilon: epsilon, stepSize: pgdStepSize, steps: pgdSteps)
            a.box = box
            return try a.run(classifier: classifier, source: source, goal: .targeted(target))
        }
    }
}

extension AttackSettings {
    /// These settings with the targeted attack of protocol `p` (learning rate, steps, penalties, clipping).
    public func withTargetedAttack(of p: ConnectivityProtocol) -> AttackSettings {
        var s = self
        let a = p.targetedAttack
        (s.targetedLearningRate, s.targetedIterations) = (a.learningRate, a.iterations)
        (s.targetedDeviationWeight, s.targetedTVWeight, s.targetedClipsPixels) = (a.deviationWeight, a.tvWeight, a.box != nil)
        return s
    }
}
