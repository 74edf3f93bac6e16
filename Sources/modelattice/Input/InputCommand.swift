import ArgumentParser

/// `modelattice input …`: input-space mode connectivity of a frozen classifier (Vrabel et al.,
/// "Input Space Mode Connectivity in Deep Neural Networks", ICLR 2025): loss barriers on straight
/// paths between inputs of one class, their bypass, and barrier-based detection of adversarial inputs.
struct InputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "input",
        abstract: "Input-space mode connectivity: paths, loss barriers, bypasses, adversarial pairs, detection.",
        subcommands: [InputPairsCommand.self, InputAdversarialCommand.self, InputDetectCommand.self,
                      InputEvolutionCommand.self, InputStarCommand.self])
}
