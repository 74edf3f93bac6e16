import ArgumentParser
import Experiments
import Support

/// `modelattice input star`: options → ``InputStarExperiment/Configuration`` → ``ExperimentRunner``.
struct InputStarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star",
        abstract: "Star center in input space: one input joined to K same-class inputs by low-loss segments.",
        discussion: """
            Columns: \(Experiment.columns.joined(separator: ",")). One row per pair i<j of the K inputs. Loss = cross-entropy \
            of the class (label) at the input; barriers = max loss along the path minus the larger endpoint loss (direct: \
            x_i → x_j; center: x_i → x̃ → x_j); agreement = fraction of the path's points the model assigns to the class; \
            two_piece_length = ‖x_i−x̃‖+‖x̃−x_j‖, geodesic_bound = its ratio to ‖x_i−x_j‖. Real inputs are distinct correctly \
            classified test images of the class, drawn with the seed; synthetic ones come from feature visualization. \
            --stars N repeats the star for N distinct classes (rows told apart by label). \
            The center starts at the mean input (Adam, every input and --t-samples t values per step; not clipped).
            """)
    typealias Experiment = InputStarExperiment

    @OptionGroup var network: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Number of inputs K ≥ 2 (default \(Experiment.Configuration().inputs)).") var inputs: Int?
    @Option(help: "Number of stars: one per class, distinct classes drawn with the seed (with --class: 1) (default \(Experiment.Configuration().stars)).") var stars: Int?
    @Option(help: "Input kind: real or synthetic.") var kind: Experiment.Kind = Experiment.Configuration().kind
    @Option(name: .customLong("class"), help: "Class of the inputs (default: drawn with the seed among usable classes).") var onlyClass: Int?
    @Option(help: "Center optimization steps (default \(Experiment.Configuration().steps)).") var steps: Int?
    @Option(help: "Center Adam learning rate (default \(Experiment.Configuration().learningRate)).") var lr: Float?
    @Option(help: "t samples per input and step (default \(Experiment.Configuration().tSamples)).") var tSamples: Int?
    @Option(help: "Points per straight segment (default \(Experiment.Configuration().points)).") var points: Int?
    @Option(help: "Save the inputs and centers as .npy [stars·(K+1), input shape] (each star's K inputs, then its center).") var saveInputs: String?
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.network, c.data, c.kind, c.onlyClass) = (network.source, data.source, kind, onlyClass)
        (c.inputs, c.stars, c.steps) = (inputs ?? c.inputs, stars ?? c.stars, steps ?? c.steps)
        (c.learningRate, c.tSamples, c.points) = (lr ?? c.learningRate, tSamples ?? c.tSamples, points ?? c.points)
        let flags = ["inputs": "--inputs", "stars": "--stars", "steps": "--steps", "learningRate": "--lr", "tSamples": "--t-samples",
                     "points": "--points", "onlyClass": "--class", "networks": "--networks"]
        try CommandErrors.naming(flags) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "inputs": saveInputs].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}

extension InputStarExperiment.Kind: ExpressibleByArgument {}
