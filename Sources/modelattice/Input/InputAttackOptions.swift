import ArgumentParser
import Experiments

/// Attack strengths (FGSM and PGD) for the commands that attack inputs. Maps to ``AttackSettings``.
struct AttackOptions: ParsableArguments {
    @Option(help: "L-infinity radius of FGSM and PGD, pixels in [0,1] (default \(AttackSettings().epsilon)).") var epsilon: Double?
    @Option(help: "PGD steps (default \(AttackSettings().pgdSteps)).") var pgdSteps: Int?
    @Option(help: "PGD step size (default \(AttackSettings().pgdStepSize)).") var pgdStepSize: Double?

    var settings: AttackSettings {
        var s = AttackSettings()
        s.epsilon = epsilon ?? s.epsilon
        s.pgdSteps = pgdSteps ?? s.pgdSteps
        s.pgdStepSize = pgdStepSize ?? s.pgdStepSize
        return s
    }

    /// Configuration fields of ``AttackSettings`` and of the input experiments → flags.
    static let flags = ["epsilon": "--epsilon", "pgdSteps": "--pgd-steps", "pgdStepSize": "--pgd-step-size",
                        "points": "--points", "onlyClass": "--class", "networks": "--networks"]
}

extension AttackKind: ExpressibleByArgument {}
