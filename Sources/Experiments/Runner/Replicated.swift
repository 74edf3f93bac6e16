@preconcurrency import CGSL
import Foundation
import Support

/// K independent replicates of one experiment run (issue 14, scope 1): what ``ExperimentRunner``
/// does when ``RunSettings/replicates`` is K > 1. With K = 1 nothing here applies: the run, its
/// tables, sidecar and fingerprint are exactly those of an unreplicated run.
///
/// - Replicate r (0-based) is the experiment run under the root seed
///   s_r = `SeedSequence.derive(seed, stream: "replicate", index: r)`: its own training seed, network
///   initialization and pair draw wherever the experiment derives them from the seed. An experiment
///   that reads a trained model file cannot retrain it: there a replicate re-draws pairs and inputs only.
/// - The units of all replicates form one list (replicate 0's first) for ``UnitRunner``, so threads,
///   ranks, the checkpoint and resume span replicates, and results do not depend on the thread count.
/// - Every table gets a leading `replicate` column, rows of replicate 0 first. Files (models, arrays)
///   are replicate 0's.
/// - The summary table (role ``summaryRole``, ``summaryColumns``) has one row per numeric column of
///   the main table. Replicate r contributes m_r = the median of that column over its rows (NaN
///   cells left out); over the n replicates whose m_r is finite:
///
///       mean  m̄ = (1/n) Σ_r m_r
///       sd    s = √( Σ_r (m_r − m̄)² / (n − 1) )
///       95 %  m̄ ± t_{0.975, n−1} · s / √n      (Student t quantile, gsl_cdf_tdist_Pinv; 12.706 at n = 2)
///       min, max of the m_r
///
///   (sd and the interval are NaN when n < 2.) Columns left out: non-numeric ones, and columns whose
///   cells are identical row by row in every replicate (ids and settings such as pair, class, width:
///   the same by construction, nothing to spread); the sidecar notes name them.
/// - Long-format tables (one row per statistic, architecture, kind, …: text columns that label the
///   rows) are summarized per label: the key columns are the text columns that are identical row by
///   row in every replicate and take at least two values; the medians m_r are then taken over the
///   rows of one key tuple, and the summary has one row per (key tuple, numeric column), the key
///   columns leading (prefixed `row_` where a name clashes with a summary column), groups in order of
///   first appearance, leaving out the columns a label never fills. Without such columns the summary is the
///   plain one above (a median over a column that mixes statistics would mean nothing).
public struct Replicated: Sendable {
    /// The seed stream of replicates.
    public static let stream = "replicate"
    /// The role (and file suffix) of the summary table.
    public static let summaryRole = "replicates"
    public static let replicateColumn = "replicate"
    public static let summaryColumns = ["statistic", "replicates", "mean", "sd", "ci_low", "ci_high", "min", "max"]

    /// K ≥ 1.
    public let count: Int
    /// The run's own settings (the root seed).
    public let root: RunSettings

    public init(_ settings: RunSettings) throws {
        guard settings.replicates >= 1 else {
            throw ModeLatticeError.invalid("replicates", "must be at least 1 (got \(settings.replicates))")
        }
        count = settings.replicates
        root = settings
    }

    public var isReplicated: Bool { count > 1 }

    /// The seed of replicate r: derive(root seed, "replicate", r).
    public static func seed(_ root: UInt64, replicate r: Int) -> UInt64 {
        SeedSequence.derive(root, stream: stream, index: r)
    }

    /// The settings replicate r runs under: one replicate, seeded s_r (the root settings unchanged when K = 1).
    public func settings(_ r: Int) -> RunSettings {
        guard isReplicated else { return root }
        var s = root
        s.seed = Self.seed(root.seed, replicate: r)
        s.replicates = 1
        return s
    }

    /// The configuration replicate r runs: `configuration` itself, unless it must change beside the
    /// seed (``ReplicateAdjustingConfiguration``).
    public func configuration<C: ExperimentConfiguration>(_ configuration: C, _ r: Int) -> C {
        guard isReplicated, let adjusting = configuration as? any ReplicateAdjustingConfiguration,
              let adjusted = adjusting.forReplicate(r) as? C else { return configuration }
        return adjusted
    }

    /// `results/x.csv` → `results/x_replicates.csv`.
    public static func summaryPath(forMain main: String) -> String {
        (main.hasSuffix(".csv") ? String(main.dropLast(4)) : main) + "_" + summaryRole + ".csv"
    }

    /// The output paths of a replicated run: the summary table beside the main one unless given.
    public func outputs(_ outputs: ExperimentOutputs) -> ExperimentOutputs {
        guard isReplicated, outputs[Self.summaryRole] == nil, let main = outputs.table else { return outputs }
        var o = outputs
        o[Self.summaryRole] = Self.summaryPath(forMain: main)
        return o
    }

    /// The columns of a table of this run whose unreplicated columns are `columns`.
    public func columns(_ columns: [String]) -> [String] { isReplicated ? [Self.replicateColumn] + columns : columns }

    /// The products of the whole run from those of each replicate (in replicate order): each
    /// replicate's tables stacked under a leading `replicate` column, replicate 0's files, the
    /// summary table, and notes saying how the replicates were formed. `adjusted`: the note of a ``ReplicateAdjustingConfiguration``.
    public func merge(_ products: [ExperimentProducts], configuration: JSONValue, adjusted: String? = nil) throws -> ExperimentProducts {
        guard isReplicated else { return products[0] }
        var tables: [String: Table] = [:]
        for role in Set(products.flatMap(\.tables.keys)).sorted() {
            guard let first = products.lazy.compactMap({ $0.tables[role] }).first else { continue }
            var stacked = Table(columns: columns(first.columns))
            for (r, p) in products.enumerated() {
                guard let t = p.tables[role] else { continue }
                guard t.columns == first.columns else {
                    throw ModeLatticeError.software("replicate \(r): '\(role)' columns \(t.columns) differ from replicate 0's \(first.columns)")
                }
                stacked.rows += t.rows.map { [Cell.int(r)] + $0 }
            }
            tables[role] = stacked
        }
        guard tables[Self.summaryRole] == nil else {
            throw ModeLatticeError.software("a table of role '\(Self.summaryRole)' clashes with the replicate summary")
        }
        let mains = products.compactMap { $0.tables[ExperimentProducts.mainRole] }
        let (summary, skipped) = Self.summary(mains)
        let keys = Self.keyColumns(mains)
        tables[Self.summaryRole] = summary

        var notes = [
            "\(count) replicates: replicate r reruns the experiment under seed derive(\(root.seed), \"\(Self.stream)\", r) (\((0..<count).map { String(Self.seed(root.seed, replicate: $0)) }.joined(separator: ", "))); every table has a leading replicate column",
            "\(Self.summaryRole) table: per numeric column of the main table, the median over each replicate's rows, then mean, sd and the 95% Student-t interval over replicates" +
                (keys.isEmpty ? "" : "; per value of the row labels " + keys.joined(separator: ", ")) +
                (skipped.isEmpty ? "" : "; not summarized (identical in every replicate or not numeric): " + skipped.joined(separator: ", ")),
        ]
        let files = products[0].files
        if !files.isEmpty {
            notes.append("files (\(files.keys.sorted().joined(separator: ", "))) hold replicate 0's only")
        }
        if let adjusting = adjusted {
            notes.append("per replicate: " + adjusting)
        }
        let models = Self.modelFiles(configuration)
        if !models.isEmpty {
            notes.append("the network is read from a model file (\(models.joined(separator: ", "))), which a replicate cannot retrain: replicates re-draw pairs and inputs only")
        }
        for (r, p) in products.enumerated() { notes += p.notes.map { "replicate \(r): " + $0 } }
        return ExperimentProducts(tables: tables, files: files, notes: notes)
    }

    /// Saved model files a configuration reads: every string under a `model` key (the field of
    /// ``NetworkSource`` naming a saved model) at any depth.
    static func modelFiles(_ value: JSONValue) -> [String] {
        switch value {
        case .object(let o):
            return o.keys.sorted().flatMap { key -> [String] in
                if key == "model", case .string(let path) = o[key]! { return [path] }
                return modelFiles(o[key]!)
            }
        case .array(let a): return a.flatMap(modelFiles)
        default: return []
        }
    }

    /// The summary table of the replicates' main tables (see the type's documentation), and the
    /// columns left out.
    static func summary(_ mains: [Table]) -> (Table, skipped: [String]) {
        guard let first = mains.first else { return (Table(columns: summaryColumns), []) }
        let keys = keyColumns(mains)
        // A key column named like a summary column (teacher–student's `statistic`) is prefixed `row_`.
        var table = Table(columns: keys.map { summaryColumns.contains($0) ? "row_" + $0 : $0 } + summaryColumns)
        var skipped: [String] = []
        // Row indices of each key tuple, in order of first appearance (the rows correspond across
        // replicates, since the key columns are identical row by row).
        var groups: [(key: [Cell], rows: [Int])] = []
        var groupOf: [[String]: Int] = [:]   // key tuple (CSV text) → index in `groups`: linear in the rows
        let keyCells = keys.map { first.column($0) }
        for row in 0..<first.rows.count {
            let key = keyCells.map { $0[row] }
            let text = key.map(\.csv)
            if let g = groupOf[text] { groups[g].rows.append(row) }
            else { groupOf[text] = groups.count; groups.append((key, [row])) }
        }
        if groups.isEmpty { groups = [([], [])] }
        var summarized: [(name: String, cells: [[Cell]])] = []
        for name in first.columns where !keys.contains(name) {
            let cells = mains.map { $0.column(name) }
            let numeric = cells.allSatisfy { column in column.allSatisfy { Self.number($0) != nil || $0 == .empty } }
                && cells.contains { column in column.contains { Self.number($0) != nil } }
            if !numeric || cells.allSatisfy({ $0 == cells[0] }) {
                skipped.append(name)
                continue
            }
            summarized.append((name, cells))
        }
        for group in groups {
            for (name, cells) in summarized {
                let medians = cells.map { column -> Double in
                    let rows = keys.isEmpty ? Array(column.indices) : group.rows
                    return median(rows.compactMap { Self.number(column[$0]) }.filter { !$0.isNaN })
                }
                let s = spread(medians)
                if !keys.isEmpty && s.n == 0 { continue }   // a column this label never fills (e.g. a bound only some statistics have)
                table.append(group.key + [.text(name), .int(s.n), .double(s.mean), .double(s.sd), .double(s.low), .double(s.high),
                                          .double(s.min), .double(s.max)])
            }
        }
        return (table, skipped)
    }

    /// The text columns that label rows: identical row by row in every replicate (so every replicate
    /// has the same rows) and taking at least two values.
    static func keyColumns(_ mains: [Table]) -> [String] {
        guard let first = mains.first, mains.allSatisfy({ $0.rows.count == first.rows.count }) else { return [] }
        return first.columns.filter { name in
            let column = first.column(name)
            guard column.contains(where: { if case .text = $0 { true } else { false } }),
                  Set(column.map(\.csv)).count >= 2 else { return false }
            return mains.allSatisfy { $0.column(name) == column }
        }
    }

    static func number(_ cell: Cell) -> Double? {
        switch cell {
        case .int(let v): return Double(v)
        case .double(let v): return v
        default: return nil
        }
    }

    /// Median by GSL (mean of the two middle values for an even count); NaN for no values.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var s = values
        s.withUnsafeMutableBufferPointer { gsl_sort($0.baseAddress, 1, $0.count) }
        return s.withUnsafeBufferPointer { gsl_stats_median_from_sorted_data($0.baseAddress, 1, $0.count) }
    }

    /// Mean, sd, 95 % Student-t interval, min and max of the finite `values` (n of them).
    static func spread(_ values: [Double], level: Double = 0.95)
        -> (n: Int, mean: Double, sd: Double, low: Double, high: Double, min: Double, max: Double) {
        let v = values.filter(\.isFinite)
        guard let lo = v.min(), let hi = v.max() else { return (0, .nan, .nan, .nan, .nan, .nan, .nan) }
        let mean = v.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
        guard v.count >= 2 else { return (1, mean, .nan, .nan, .nan, lo, hi) }
        let sd = v.withUnsafeBufferPointer { gsl_stats_sd($0.baseAddress, 1, $0.count) }
        let t = gsl_cdf_tdist_Pinv((1 + level) / 2, Double(v.count - 1))
        let half = t * sd / Double(v.count).squareRoot()
        return (v.count, mean, sd, mean - half, mean + half, lo, hi)
    }
}

/// A configuration that must change per replicate beside the seed, e.g. a cache directory whose
/// files are tied to the seed that made them (each replicate gets its own).
public protocol ReplicateAdjustingConfiguration: ExperimentConfiguration {
    /// This configuration as replicate `r` of a replicated run runs it.
    func forReplicate(_ r: Int) -> Self
    /// What changes per replicate, for the sidecar notes.
    var replicateNote: String { get }
}
