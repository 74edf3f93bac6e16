import ArgumentParser
import Foundation
import Experiments
import Percolation
import Support

/// `modelattice percolation thresholds`: options → ``PercolationThresholdsExperiment/Configuration``
/// → ``ExperimentRunner`` (one checkpointed unit per (d, kind) row, so an interrupted run resumes
/// at the first unfinished row; the per-row diagnostics go to the sidecar's notes).
struct ThresholdsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thresholds",
        abstract: "Percolation thresholds of Z^d for several d and kinds, one CSV row each (plus a JSON sidecar).")
    typealias Experiment = PercolationThresholdsExperiment

    @Option(help: "Dimensions: a range 'A-B', a list 'A,B,C', or one number (each in 2...64; default 2-13).")
    var dims: String?
    @Option(help: "Comma-separated kinds: site, bond (default site,bond).")
    var kinds: String?
    @Option(help: "Seconds per row (default \(Experiment.Configuration().budget)). With --samples it only sets the growth size N (deterministically, by ThresholdEstimator.defaultSize); without, it is the time budget and the sample count depends on machine speed.")
    var budget: Double?
    @Option(help: "Exact number of growths per row instead of a time budget (reproducible at any thread count).")
    var samples: Int?
    @Option(help: "Exact number of Newman–Ziff trials for the d = 2 wrapping rows (default: --samples).")
    var trials: Int?
    @Option(help: "Output CSV path; the sidecar JSON goes beside it.")
    var output: String
    @Flag(help: .hidden) var verbose = false
    @OptionGroup var options: RunOptions

    /// "2-13" → 2...13; "2,5,8" → [2, 5, 8]; "7" → [7].
    static func parseDims(_ text: String) throws -> [Int] {
        let malformed = ValidationError("--dims must be a range like 2-13, a list like 2,3,5 or one number (got '\(text)').")
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.contains("-") {
            let parts = t.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a <= b else { throw malformed }
            return Array(a...b)
        }
        let parts = t.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0) }
        guard !parts.isEmpty, values.count == parts.count else { throw malformed }
        return values
    }

    /// "site,bond" → [.site, .bond].
    static func parseKinds(_ text: String) throws -> [ThresholdKind] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map {
            guard let kind = ThresholdKind(rawValue: String($0)) else { throw ValidationError("--kinds: unknown kind '\($0)' (site or bond).") }
            return kind
        }
    }

    func validate() throws {
        if verbose { throw ValidationError("--verbose is gone: the per-row diagnostics are in the sidecar's notes (OUTPUT.json).") }
    }

    func run() throws {
        var c = Experiment.Configuration()
        if let dims { c.dims = try Self.parseDims(dims) }
        if let kinds { c.kinds = try Self.parseKinds(kinds) }
        if let budget { c.budget = budget }
        (c.samples, c.trials) = (samples, trials)
        try CommandErrors.naming(["dims": "--dims", "kinds": "--kinds", "budget": "--budget", "samples": "--samples",
                                  "trials": "--trials"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(table: output), settings: options.settings)
        }
    }
}
