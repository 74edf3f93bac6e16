import ArgumentParser
import Connectivity
import Experiments
import Foundation
import Support

/// `modelattice params geodesic`: options → ``ParameterGeodesicExperiment/Configuration`` → ``ExperimentRunner``.
struct GeodesicCommand: ParsableCommand {
    typealias Experiment = ParameterGeodesicExperiment
    static let configuration = CommandConfiguration(
        commandName: "geodesic",
        abstract: "Per-pair two-piece paths over λ: barrier, minimum accuracy and G for each pair and λ.",
        discussion: "Rows: \(Experiment.columns.joined(separator: ",")). Each (pair, λ) trains its own center on the two minima from their midpoint; barrier is the training-subset loss along θ_i → θ̃ → θ_j minus the larger endpoint loss; min_accuracy the test accuracy's minimum; geodesic_bound G = (‖θ_i−θ̃‖+‖θ̃−θ_j‖)/‖θ_i−θ_j‖.")

    @OptionGroup var setup: StarSetupOptions
    @Option(help: "Points per segment (default \(Experiment.Configuration().points)).") var points: Int?
    @Option(help: "Comma-separated λ values (default \(Experiment.Configuration().lambdas.map { "\($0)" }.joined(separator: ","))).") var lambdas: String?
    @Option(help: "Use only the first N pairs (row order 0-1, 0-2, …; default: all).") var pairs: Int?
    @Option(help: "Center trace CSV (\(StarCheckpoint.traceColumns.joined(separator: ","))), one row per check, center named i-j.") var trace: String?
    @Option(help: "Output CSV (a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func parsedLambdas() throws -> [Double]? {
        guard let lambdas else { return nil }
        return try lambdas.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let v = Double(text), v >= 0, v.isFinite else {
                throw ValidationError("--lambdas must be comma-separated non-negative numbers (bad entry '\(text)' in '\(lambdas)').")
            }
            return v
        }
    }

    func validate() throws { _ = try parsedLambdas() }

    func run() throws {
        var c = Experiment.Configuration()
        c.minima = setup.minimaConfiguration(output: output)
        c.center = setup.centerSettings(tracing: trace != nil)
        c.points = points ?? c.points
        c.lambdas = try parsedLambdas() ?? c.lambdas
        c.pairs = pairs
        try CommandErrors.naming(StarSetupOptions.flags) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "trace": trace].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}
