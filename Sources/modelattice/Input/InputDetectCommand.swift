import ArgumentParser
import Experiments
import Support

/// `modelattice input detect`: options → ``InputDetectExperiment/Configuration`` → ``ExperimentRunner``.
struct InputDetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Barrier-based detection of adversarial inputs vs the confidence baseline (AUROC with 95% CI).",
        discussion: """
            Columns: \(Experiment.columns.joined(separator: ",")); score is confidence (CE at the predicted class), \
            barrier_max, barrier_gap (means over the K references) or curve_classifier (logistic regression on the mean loss \
            curve, barrier features and sorted logits). Correctly classified test images are split into references and \
            examples; N real examples and, per attack, N attacks on real examples towards a random other class (only \
            successful ones kept) are scored. Even-numbered examples fit the curve classifier, odd-numbered ones are held out \
            for every score. --scores writes attack,score,label,value.
            """)
    typealias Experiment = InputDetectExperiment

    @OptionGroup var network: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(parsing: .upToNextOption, help: "Attacks: one or more of targeted, fgsm, pgd (default targeted).") var attack: [AttackKind] = []
    @OptionGroup var attackOptions: AttackOptions
    @Option(help: "Real references per input, K (default \(Experiment.Configuration().references)).") var references: Int?
    @Option(help: "Real examples, and attacked examples per attack, N (default \(Experiment.Configuration().examples)).") var examples: Int?
    @Option(help: "Bootstrap resamples for the AUROC interval (default \(Experiment.Configuration().resamples)).") var resamples: Int?
    @Option(help: "Points per straight path (default \(Experiment.Configuration().points)).") var points: Int?
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @Option(help: "Also write every held-out score: attack,score,label,value (label real or adversarial).") var scores: String?
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.network, c.data, c.attackSettings) = (network.source, data.source, attackOptions.settings)
        if !attack.isEmpty { c.attacks = attack }
        c.references = references ?? c.references
        c.examples = examples ?? c.examples
        c.resamples = resamples ?? c.resamples
        c.points = points ?? c.points
        let flags = ["references": "--references", "examples": "--examples", "resamples": "--resamples", "attacks": "--attack"]
        try CommandErrors.naming(AttackOptions.flags.merging(flags) { $1 }) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "scores": scores].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}
