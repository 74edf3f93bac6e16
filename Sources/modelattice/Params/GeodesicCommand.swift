import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice params geodesic`: per-pair centers over a list of λ — the (barrier, G) trade-off
/// of two-piece paths θ_i → θ̃ → θ_j (Lin, Li & Wu, arXiv 2404.06391, Table 2).
struct GeodesicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geodesic",
        abstract: "Per-pair two-piece paths over λ: barrier, minimum accuracy and G for each pair and λ.",
        discussion: "Rows: \(GeodesicExperiment.columns.joined(separator: ",")). Each (pair, λ) trains its own center on the two minima from their midpoint; barrier is the training-subset loss along θ_i → θ̃ → θ_j minus the larger endpoint loss; min_accuracy the test accuracy's minimum; geodesic_bound G = (‖θ_i−θ̃‖+‖θ̃−θ_j‖)/‖θ_i−θ_j‖.")

    @OptionGroup var setup: StarSetupOptions
    @Option(help: "Comma-separated λ values.") var lambdas: String = "0,0.0001,0.001,0.01"
    @Option(help: "Use only the first N pairs (row order 0-1, 0-2, …; default: all).") var pairs: Int?
    @Option(help: "Center trace CSV (\(StarCheckpoint.traceColumns.joined(separator: ","))), one row per check, center named i-j.") var trace: String?
    @Option(help: "Output CSV (a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func parsedLambdas() throws -> [Double] {
        var out: [Double] = []
        for part in lambdas.split(separator: ",", omittingEmptySubsequences: false) {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let v = Double(text), v >= 0, v.isFinite else {
                throw ValidationError("--lambdas must be comma-separated non-negative numbers (bad entry '\(text)' in '\(lambdas)').")
            }
            out.append(v)
        }
        return out
    }

    func validate() throws {
        try setup.validateSetup()
        _ = try parsedLambdas()
        if let pairs, pairs < 1 { throw ValidationError("--pairs must be at least 1 (got \(pairs)).") }
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(options.threadCount)
        try AtomicFile.checkWritable(output)
        if let trace { try AtomicFile.checkWritable(trace) }
        let lambdaList = try parsedLambdas()
        let world = try setup.load(output: output, options: options)
        var pairList = GeodesicExperiment.pairs(setup.minima)
        if let pairs { pairList = Array(pairList.prefix(pairs)) }
        let progress = ProgressLine("geodesic", total: pairList.count * lambdaList.count, quiet: options.quiet)
        let risk = world.risk
        let result = try GeodesicExperiment.run(minima: world.minima, pairs: pairList, lambdas: lambdaList, evaluator: world.evaluator,
                                                center: setup.centerConfiguration(lambda: 0, tracing: trace != nil, options: options),
                                                points: setup.points, risk: { try risk($0, $1) }, checkPoints: setup.centerCheckPoints,
                                                onUnit: { progress.advance() })
        progress.finish()
        var parameters = setup.parameters
        parameters["lambdas"] = lambdaList.map { String($0) }.joined(separator: ",")
        parameters["pairs"] = String(pairList.count)
        parameters["minima_reused"] = String(world.reused)
        parameters["minima_seconds"] = String(world.trainSeconds)
        parameters["center_steps_taken"] = result.steps.map(String.init).joined(separator: ",")
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["columns: " + GeodesicExperiment.columns.joined(separator: ","),
                                       "per (pair, λ): a center on {θ_i, θ_j} from their midpoint, Adam lr \(setup.centerLr), at most \(setup.centerSteps) steps (plateau tolerance \(setup.centerTolerance))",
                                       "barrier: training-subset cross-entropy along θ_i → θ̃ → θ_j minus the larger endpoint; min_accuracy: test set"])
        if let trace { try result.trace.write(to: trace) }
        try result.table.write(to: output, record: record)
    }
}
