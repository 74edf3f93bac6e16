import Foundation

/// One value of a tidy table: a number, a label, or empty (a field that does not apply).
public enum Cell: Sendable, Equatable, Codable {
    case int(Int)
    case double(Double)
    case text(String)
    case empty

    /// CSV text: integers as digits, doubles in Swift's shortest round-trip form, `nan`/`inf`
    /// spelled as NumPy and pandas read them, labels quoted only when they must be (RFC 4180).
    public var csv: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v):
            if v.isNaN { return "nan" }
            if v.isInfinite { return v > 0 ? "inf" : "-inf" }
            if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
            return "\(v)"
        case .text(let s):
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        case .empty: return ""
        }
    }
}

extension Cell: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}

/// A tidy table: one header row, one row per observation. Every result ModeLattice writes is a
/// `Table`, rendered as CSV with ``csv`` and saved atomically beside a JSON sidecar (``RunRecord``).
public struct Table: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "row has \(row.count) cells, table has \(columns.count) columns")
        rows.append(row)
    }

    public var csv: String {
        var out = columns.joined(separator: ",") + "\n"
        for row in rows { out += row.map(\.csv).joined(separator: ",") + "\n" }
        return out
    }

    /// The values of one column (by name).
    public func column(_ name: String) -> [Cell] {
        guard let i = columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }

    public func write(to path: String) throws { try AtomicFile.write(csv, to: path) }
}

/// The JSON sidecars written beside every CSV: what produced it, so any table can be regenerated.
///
/// - `NAME.json` (the provenance sidecar, committed with results): tool, version, command line,
///   seed, generator, parameters or the full encoded configuration, fingerprint, notes. It depends
///   only on what determines the results, so a rerun on another machine rewrites it byte for byte.
/// - `NAME.run.json` (the run sidecar, kept out of git): wall time, start time, threads and MPI
///   ranks, i.e. how this particular run went. Results never depend on any of it.
public struct RunRecord: Codable, Sendable {
    public var tool: String = "modelattice"
    public var version: String = ModeLatticeVersion.string
    public var commandLine: [String]
    public var seed: UInt64?
    public var generator: String?
    public var parameters: [String: String]
    /// The full encoded configuration (experiments run through `ExperimentRunner`).
    public var configuration: JSONValue?
    /// Experiment type, its revision and the fingerprint of (configuration, revision, seed, generator).
    public var experimentType: String?
    public var revision: Int?
    public var fingerprint: String?
    /// Independent replicates K of the run (nil: one, an unreplicated run).
    public var replicates: Int?
    public var notes: [String]
    /// Set when the run is part of `modelattice reproduce`: the catalog entry it belongs to.
    public var experiment: CatalogEntryRecord?
    /// How this run went (written to the run sidecar, not the provenance sidecar).
    public var timing: RunTiming?

    public init(commandLine: [String] = CommandLine.arguments, seed: UInt64?, generator: String?,
                threads: Int?, parameters: [String: String], wallSeconds: Double,
                started: Date, notes: [String] = []) {
        self.commandLine = commandLine
        self.seed = seed
        self.generator = generator
        self.parameters = parameters
        self.notes = notes
        self.experiment = nil
        self.timing = RunTiming(wallSeconds: wallSeconds, started: started, threads: threads)
    }

    /// `results/x.csv` → `results/x.json`.
    public static func sidecarPath(for csvPath: String) -> String {
        if csvPath.hasSuffix(".csv") { return String(csvPath.dropLast(4)) + ".json" }
        return csvPath + ".json"
    }

    /// `results/x.json` → `results/x.run.json`.
    public static func runSidecarPath(forSidecar sidecar: String) -> String {
        if sidecar.hasSuffix(".json") { return String(sidecar.dropLast(5)) + ".run.json" }
        return sidecar + ".run.json"
    }

    /// Writes the provenance sidecar to `path` and the timing beside it (``runSidecarPath(forSidecar:)``).
    public func write(to path: String) throws {
        var provenance = self
        provenance.timing = nil
        try Self.writeJSON(provenance, to: path)
        if let timing { try Self.writeJSON(timing, to: Self.runSidecarPath(forSidecar: path)) }
    }

    static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data: Data
        do { data = try encoder.encode(value) } catch {
            throw ModeLatticeError.software("cannot encode run record: \(error)")
        }
        try AtomicFile.write([UInt8](data) + [10], to: path)
    }
}

/// How one run went: wall time, start, threads, MPI ranks. None of it affects a result.
public struct RunTiming: Codable, Sendable {
    public var wallSeconds: Double
    public var started: String
    public var threads: Int?
    /// MPI ranks that shared the work (1 without mpirun).
    public var ranks: Int = Ranks.size
    public var resumedUnits: Int?

    public init(wallSeconds: Double, started: Date, threads: Int?, resumedUnits: Int? = nil) {
        self.wallSeconds = wallSeconds
        self.started = ISO8601DateFormatter().string(from: started)
        self.threads = threads
        self.resumedUnits = resumedUnits
    }
}

public enum ModeLatticeVersion {
    public static let string = "0.1.0"
}

extension Table {
    /// Writes the CSV and its JSON sidecar; the sidecar carries `record`.
    public func write(to path: String, record: RunRecord) throws {
        try write(to: path)
        try record.write(to: RunRecord.sidecarPath(for: path))
    }
}
