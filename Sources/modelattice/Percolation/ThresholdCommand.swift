import ArgumentParser
import Experiments
import Foundation
import Percolation
import Support

extension ThresholdMethod: ExpressibleByArgument {}
extension ThresholdFitModel: ExpressibleByArgument {}

/// `modelattice percolation threshold`: one (d, kind) row of ``PercolationThresholdsExperiment``,
/// printed as CSV on stdout (no files). Ctrl-C prints the row from the growths finished so far.
struct ThresholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold",
        abstract: "Estimate the site or bond percolation threshold of Z^d (invasion-percolation growth, no stored lattice).")
    typealias Experiment = PercolationThresholdsExperiment

    @Option(help: "Dimension d (2...64).") var dim: Int
    @Option(help: "site or bond.") var kind: ThresholdKind
    @Option(help: "auto (wrapping in d = 2, growth otherwise), wrapping (d = 2 only) or growth.")
    var method: ThresholdMethod = Experiment.Configuration().method
    @Option(help: "Seconds for the row (default \(Experiment.Configuration().budget)). With --samples it only sets the growth size N (deterministically, by ThresholdEstimator.defaultSize); without, it is the time budget and the sample count depends on machine speed.")
    var budget: Double?
    @Option(help: "Exact number of independent growths (trials for wrapping) instead of a time budget (reproducible).")
    var samples: Int?
    @Option(help: "Invaded elements per growth, >= 1024 (default depends on d, kind and budget).")
    var size: Int?
    @Option(help: "Comma-separated, strictly increasing growth sizes n at which p(n) is recorded; the last is the growth size (default: 8 sizes N/128 ... N).")
    var checkpoints: String?
    @Option(help: "Finite-size fit of p(n): two-term (p_c + a n^-ω + b n^-2ω), scaling (ω₂ = ω + Ω, d = 2, 3 only) or leading (a n^-ω only).")
    var fit: ThresholdFitModel = Experiment.Configuration().fit
    @Flag(help: "Also print diagnostics (errors, fits, p(n), memory) on stderr.") var verbose = false
    @OptionGroup var options: RunOptions

    /// "1024,2048,4096" → [1024, 2048, 4096]; order is checked by the experiment.
    static func parseCheckpoints(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, values.count == parts.count else {
            throw ValidationError("--checkpoints must be a comma-separated list of growth sizes like 8192,16384,32768,65536 (got '\(text)').")
        }
        return values
    }

    func run() throws {
        var c = Experiment.Configuration()
        (c.dims, c.kinds, c.method, c.fit, c.samples, c.size) = ([dim], [kind], method, fit, samples, size)
        if let budget { c.budget = budget }
        c.checkpoints = try checkpoints.map(Self.parseCheckpoints)
        let row = Experiment.Row(dimension: dim, kind: kind)
        let estimate = try CommandErrors.naming(["dims": "--dim", "kinds": "--kind", "method": "--method", "fit": "--fit",
                                                 "budget": "--budget", "samples": "--samples", "size": "--size",
                                                 "checkpoints": "--checkpoints"]) {
            try Experiment().validate(c)
            Interrupt.install()
            return try Experiment().estimate(row, c, options.settings, shouldStop: Interrupt.requested)
        }
        print(Table(columns: Experiment.columns, rows: [ThresholdTable.row(estimate)]).csv, terminator: "")
        if verbose {
            FileHandle.standardError.write(Data(Experiment.notes(estimate).map { $0 + "\n" }.joined().utf8))
        }
        if estimate.interrupted {
            FileHandle.standardError.write(Data("modelattice: interrupted; the row above uses the \(estimate.samples) growths finished\n".utf8))
            Foundation.exit(130)
        }
    }
}

/// SIGINT sets a flag; a long estimate checks it between batches and reports what it has.
enum Interrupt {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in Interrupt.flag = 1 }
    }

    @Sendable static func requested() -> Bool { flag != 0 }
}
