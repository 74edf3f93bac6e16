import ArgumentParser
import Foundation
import Percolation
import Support

/// `modelattice percolation thresholds`: the threshold table over a range of dimensions and kinds,
/// one row per (d, kind), written as CSV with a JSON sidecar.
struct ThresholdsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thresholds",
        abstract: "Percolation thresholds of Z^d for several d and kinds, one CSV row each (plus a JSON sidecar).")

    @Option(help: "Dimensions: a range 'A-B', a list 'A,B,C', or one number (each in 2...64).")
    var dims: String = "2-13"

    @Option(help: "Comma-separated kinds: site, bond.")
    var kinds: String = "site,bond"

    @Option(help: "Seconds of growth per row (the sample count then depends on machine speed).")
    var budget: Double = ThresholdEstimator.defaultBudget

    @Option(help: "Exact number of growths per row instead of a time budget (reproducible).")
    var samples: Int?

    @Option(help: "Exact number of Newman–Ziff trials for the d = 2 wrapping rows (default: --samples).")
    var trials: Int?

    @Option(help: "Output CSV path; the sidecar JSON goes beside it.")
    var output: String

    @Flag(help: "Also print diagnostics per row on stderr.")
    var verbose = false

    @OptionGroup var options: RunOptions

    var dimensionList: [Int] { (try? ThresholdsCommand.parseDims(dims)) ?? [] }
    var kindList: [String] { kinds.split(separator: ",", omittingEmptySubsequences: false).map { String($0) } }

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

    func validate() throws {
        let list = try ThresholdsCommand.parseDims(dims)
        try ThresholdArguments.validate(dims: list, kinds: kindList, budget: budget, samples: samples, size: nil)
        if let trials, trials < 2 { throw ValidationError("--trials must be at least 2, for an error bar (got \(trials)).") }
        do { try AtomicFile.checkWritable(output) } catch let e as ModeLatticeError { throw ValidationError(e.message) }
    }

    func run() throws {
        Interrupt.install()
        let started = Date()
        var table = Table(columns: ThresholdTable.columns)
        var notes: [String] = []
        var interrupted = false
        rows: for d in dimensionList {
            for name in kindList {
                guard let kind = ThresholdKind(rawValue: name) else { throw ModeLatticeError.usage("--kinds: unknown kind '\(name)'") }
                if Interrupt.requested() { interrupted = true; break rows }
                let count = ThresholdMethod.auto.resolved(dimension: d) == .wrapping ? (trials ?? samples) : samples
                let e = try ThresholdMethod.auto.estimate(
                    ThresholdSettings(dimension: d, kind: kind, seed: options.seed, threads: options.threadCount,
                                      algorithm: options.generator, budget: budget, samples: count),
                    shouldStop: Interrupt.requested)
                table.append(ThresholdTable.row(e))
                notes.append(String(format: "d=%d %@: N=%d per growth, statistical error %.3g, systematic error %.3g, peak %.0f MB per growth, %d regrown, %.1f s",
                                    d, kind.rawValue, e.size, e.statisticalError, e.systematicError,
                                    Double(e.peakBytesPerRun) / 1e6, e.regrown, e.seconds))
                notes += e.fitNotes.map { String(format: "d=%d %@: ", d, kind.rawValue) + $0 }
                if verbose { ThresholdArguments.diagnose(e) }
                if !options.quiet { FileHandle.standardError.write(Data(table.rows.last!.map(\.csv).joined(separator: ",").utf8 + [10])) }
                if e.interrupted { interrupted = true; break rows }
            }
        }
        if interrupted { notes.append("interrupted (SIGINT): rows after the last one were not run; the last row uses the growths finished") }
        let record = RunRecord(
            seed: options.seed, generator: options.generator, threads: options.threadCount,
            parameters: ["dims": dims, "kinds": kinds, "budget": samples == nil ? String(budget) : "",
                         "samples": samples.map(String.init) ?? "time-budgeted (depends on speed)",
                         "trials": (trials ?? samples).map(String.init) ?? "time-budgeted (depends on speed)",
                         "method": "auto: wrapping crossing (Newman–Ziff sweeps, L = 128 and 64) in d = 2; invasion-percolation growth otherwise: acceptance ratio p(n) at 8 sizes N/128..N, generalized least-squares fit of p_c + a n^-ω + b n^-2ω with the covariance over growths; systematic error = largest |Δp_c| over refits with alternative exponents"],
            wallSeconds: Date().timeIntervalSince(started), started: started, notes: notes)
        try table.write(to: output, record: record)
        if interrupted { Foundation.exit(130) }
    }
}
