import ArgumentParser
import Foundation
import Percolation
import Support

extension ThresholdMethod: ExpressibleByArgument {}
extension ThresholdFitModel: ExpressibleByArgument {}

/// `modelattice percolation threshold`: one (d, kind) threshold with its error bar, as one CSV row.
struct ThresholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold",
        abstract: "Estimate the site or bond percolation threshold of Z^d (invasion-percolation growth, no stored lattice).")

    @Option(help: "Dimension d (2...64).")
    var dim: Int

    @Option(help: "site or bond.")
    var kind: String

    @Option(help: "auto (wrapping in d = 2, growth otherwise), wrapping (d = 2 only) or growth.")
    var method: ThresholdMethod = .auto

    @Option(help: "Seconds of growth for the row (the sample count then depends on machine speed).")
    var budget: Double = ThresholdEstimator.defaultBudget

    @Option(help: "Exact number of independent growths instead of a time budget (reproducible).")
    var samples: Int?

    @Option(help: "Invaded elements per growth (default depends on d, kind and budget).")
    var size: Int?

    @Option(help: "Comma-separated, strictly increasing growth sizes n at which p(n) is recorded; the last is the growth size (default: 8 sizes N/128 ... N).")
    var checkpoints: String?

    @Option(help: "Finite-size fit of p(n): two-term (p_c + a n^-ω + b n^-2ω), scaling (ω₂ = ω + Ω, d = 2, 3 only) or leading (a n^-ω only).")
    var fit: ThresholdFitModel = .twoTerm

    @Flag(help: "Also print diagnostics (errors, fits, raw estimates, memory) on stderr.")
    var verbose = false

    @OptionGroup var options: RunOptions

    func validate() throws {
        try ThresholdArguments.validate(dims: [dim], kinds: [kind], budget: budget, samples: samples, size: size)
        if let list = try ThresholdArguments.parseCheckpoints(checkpoints) {
            if size != nil { throw ValidationError("--checkpoints sets the growth size (its last entry); drop --size.") }
            if let k = ThresholdKind(rawValue: kind) {
                do { try ThresholdEstimator.validateCheckpoints(list, dimension: dim, kind: k) } catch let e as ModeLatticeError {
                    throw ValidationError("--checkpoints: \(e.message).")
                }
            }
        }
        if method.resolved(dimension: dim) == .growth {
            do { _ = try ScalingExponents.form(dimension: dim, model: fit) } catch let e as ModeLatticeError {
                throw ValidationError("--fit \(fit.rawValue): \(e.message).")
            }
        }
        if method == .wrapping && dim != 2 {
            throw ValidationError("--method wrapping needs a known universal crossing value, available here for d = 2 only; use --method growth or auto.")
        }
    }

    func run() throws {
        Interrupt.install()
        guard let kind = ThresholdKind(rawValue: kind) else { throw ModeLatticeError.usage("--kind must be site or bond") }
        let settings = ThresholdSettings(
            dimension: dim, kind: kind, seed: options.seed, threads: options.threadCount,
            algorithm: options.generator, budget: budget, samples: samples, size: size,
            checkpoints: try ThresholdArguments.parseCheckpoints(checkpoints), fit: fit)
        let estimate = try method.estimate(settings, shouldStop: Interrupt.requested)
        var table = Table(columns: ThresholdTable.columns)
        table.append(ThresholdTable.row(estimate))
        print(table.csv, terminator: "")
        if verbose { ThresholdArguments.diagnose(estimate) }
        if estimate.interrupted {
            FileHandle.standardError.write(Data("modelattice: interrupted; the row above uses the \(estimate.samples) growths finished\n".utf8))
            Foundation.exit(130)
        }
    }
}

/// Checks shared by `threshold` and `thresholds`, as whole-sentence usage errors (exit 64).
enum ThresholdArguments {
    static func validate(dims: [Int], kinds: [String], budget: Double, samples: Int?, size: Int?) throws {
        for d in dims where d < 2 || d > 64 {
            throw ValidationError("--dim must be between 2 and 64 (got \(d)).")
        }
        for k in kinds where ThresholdKind(rawValue: k) == nil {
            throw ValidationError("--kind must be site or bond (got '\(k)').")
        }
        guard budget.isFinite, budget > 0 else {
            throw ValidationError("--budget must be a positive number of seconds (got \(budget)).")
        }
        if let samples, samples < 2 {
            throw ValidationError("--samples must be at least 2, for an error bar (got \(samples)).")
        }
        if let size, size < 1024 {
            throw ValidationError("--size must be at least 1024 invaded elements (got \(size)).")
        }
    }

    /// "1024,2048,4096" → [1024, 2048, 4096] (nil for nil); order is checked by the estimator.
    static func parseCheckpoints(_ text: String?) throws -> [Int]? {
        guard let text else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, values.count == parts.count else {
            throw ValidationError("--checkpoints must be a comma-separated list of growth sizes like 8192,16384,32768,65536 (got '\(text)').")
        }
        return values
    }

    static func diagnose(_ e: ThresholdEstimate) {
        let line = String(
            format: "d=%d %@: stat %.3g syst %.3g (rel %.2e) chi2/dof %.3f  p(N) %.9f  ΣN/ΣM %.9f  N=%d samples=%d examined=%d  %.1f wall ns/examined  peak %.0f MB/run  regrown %d\n",
            e.dimension, e.kind.rawValue, e.statisticalError, e.systematicError, e.stderr / e.estimate, e.chi2PerDof,
            e.largestSizeEstimate, e.acceptanceRatio, e.size, e.samples, e.examined,
            e.seconds * 1e9 / Double(max(e.examined, 1)), Double(e.peakBytesPerRun) / 1e6, e.regrown)
        FileHandle.standardError.write(Data(line.utf8))
        for c in e.profile {
            FileHandle.standardError.write(Data(String(format: "   n=%9d  p=%.9f ± %.2e\n", c.n, c.p, c.se).utf8))
        }
        for note in e.fitNotes { FileHandle.standardError.write(Data(("   " + note + "\n").utf8)) }
    }
}

/// SIGINT sets a flag; long runs check it between batches and report what they have.
enum Interrupt {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in Interrupt.flag = 1 }
    }

    @Sendable static func requested() -> Bool { flag != 0 }
}
