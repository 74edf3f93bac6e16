import ArgumentParser
import Connectivity
import Experiments
import Support

/// `modelattice params star`: options → ``ParameterStarExperiment/Configuration`` → ``ExperimentRunner``.
struct StarCommand: ParsableCommand {
    typealias Experiment = ParameterStarExperiment
    static let configuration = CommandConfiguration(
        commandName: "star",
        abstract: "Shared star center of K minima: direct vs center-path barriers, accuracies and G per pair.",
        discussion: """
        Rows: \(Experiment.columns.joined(separator: ",")). Barriers use the training-subset loss \
        (max along the path minus the larger endpoint loss); accuracies are test accuracies. \
        --profiles: \(Experiment.profileColumns.joined(separator: ",")) with path direct:i-j:SPLIT, \
        center:i:SPLIT (θ_i at t=0 → center), held-out…:SPLIT, SPLIT = train|test. A shared center \
        cannot make G small for many minima: max G ≥ sqrt(2(K−1)/K) (1.265 at K=5); see params geodesic.
        """)

    @OptionGroup var setup: StarSetupOptions
    @Option(help: "Points per segment (default \(Experiment.Configuration().points)).") var points: Int?
    @Option(name: .customLong("lambda"), help: "λ of the center objective (default 0: connectivity).") var lambda: Double?
    @Flag(help: "Also train a center on minima 0..<K−1 and measure the last minimum's segment to it.") var heldOut = false
    @Option(help: "Profiles CSV (path,t,loss,accuracy).") var profiles: String?
    @Option(help: "Save the center as safetensors.") var saveCenter: String?
    @Option(help: "Center trace CSV (\(StarCheckpoint.traceColumns.joined(separator: ","))), one row per check.") var trace: String?
    @Option(help: "Output CSV (a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        c.minima = setup.minimaConfiguration(output: output)
        c.center = setup.centerSettings(tracing: trace != nil)
        c.points = points ?? c.points
        c.lambda = lambda ?? c.lambda
        c.heldOut = heldOut
        c.saveCenter = saveCenter != nil
        let outputs = ExperimentOutputs(["table": output, "profiles": profiles, "trace": trace, "center": saveCenter].compactMapValues { $0 })
        try CommandErrors.naming(StarSetupOptions.flags) {
            try ExperimentRunner.run(Experiment(), c, outputs: outputs, settings: replication.settings(options))
        }
    }
}
