import ArgumentParser
import Connectivity
import Support

/// The attacks users compare: the protocol's targeted attack and the standard FGSM and L∞ PGD.
enum AttackKind: String, ExpressibleByArgument, CaseIterable, Sendable, Codable {
    case targeted, fgsm, pgd
}

/// Attack strengths (FGSM and PGD); pixels are kept in [0, 1] by every attack.
struct AttackOptions: ParsableArguments {
    @Option(help: "L-infinity radius of FGSM and PGD (pixels in [0,1]).") var epsilon: Double = 0.1
    @Option(help: "PGD steps.") var pgdSteps: Int = 40
    @Option(help: "PGD step size.") var pgdStepSize: Double = 0.01

    /// ArgumentParser runs this for every command that includes the group.
    func validate() throws {
        if !(epsilon > 0) { throw ValidationError("--epsilon must be positive (got \(epsilon)).") }
        if pgdSteps < 1 { throw ValidationError("--pgd-steps must be at least 1 (got \(pgdSteps)).") }
        if !(pgdStepSize > 0) { throw ValidationError("--pgd-step-size must be positive (got \(pgdStepSize)).") }
    }

    /// Moves `source` towards class `target`; the targeted attack stops once CE(target) < `stopLoss`.
    func attack(_ kind: AttackKind, classifier: some InputClassifier, source: [Float], target: Int,
                stopLoss: Double) throws -> AttackResult {
        let box = InputBox(lower: 0, upper: 1)
        switch kind {
        case .targeted:
            var a = TargetedAttack()
            a.box = box
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
