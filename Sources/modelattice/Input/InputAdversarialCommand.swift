import ArgumentParser
import Experiments
import Support

/// `modelattice input adversarial`: options → ``InputAdversarialExperiment/Configuration`` → ``ExperimentRunner``.
struct InputAdversarialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adversarial",
        abstract: "Barriers of real-real vs real-adversarial pairs of one class.",
        discussion: """
            Columns: \(Experiment.columns.joined(separator: ",")). Pair i has target class t = i mod classes (or --class) \
            and real reference A (a correctly classified test image of t); its real-real row joins A to another such image, \
            its real-adversarial row joins A to an attack on a real image of a random other class. The targeted attack stops \
            once its CE falls below CE(A) so endpoint losses match; FGSM and PGD are targeted at t with radius --epsilon. \
            Pixels stay in [0,1].
            """)
    typealias Experiment = InputAdversarialExperiment

    @OptionGroup var network: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Attack: targeted (the paper's), fgsm or pgd.") var attack: AttackKind = Experiment.Configuration().attack
    @OptionGroup var attackOptions: AttackOptions
    @Option(help: "Number of pairs, each giving a real-real and a real-adversarial row (default \(Experiment.Configuration().pairs)).") var pairs: Int?
    @Option(help: "Points per straight path (default \(Experiment.Configuration().points)).") var points: Int?
    @Option(name: .customLong("class"), help: "Use only this target class (default: classes in turn).") var onlyClass: Int?
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @OptionGroup var preset: ProtocolOption
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.network, c.data, c.attackSettings, c.onlyClass) = (network.source, data.source, attackOptions.settings, onlyClass)
        c = try preset.applied(to: c)
        c.attack = attack
        c.pairs = pairs ?? c.pairs
        c.points = points ?? c.points
        try CommandErrors.naming(AttackOptions.flags.merging(["pairs": "--pairs", "attack": "--attack"]) { $1 }) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(table: output), settings: replication.settings(options))
        }
    }
}
