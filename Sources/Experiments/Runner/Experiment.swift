import Foundation
import Support

/// The configuration of an experiment: every default in one place (nanoGPT's habit), so a value
/// built with `init()` is the experiment as the project runs it, and the encoded value is what
/// the fingerprint and the sidecar record.
public protocol ExperimentConfiguration: Codable, Equatable, Sendable {
    init()
}

/// A configuration whose defaults depend on its overrides: the catalog lays a configuration's JSON
/// overrides over ``presetDefaults(for:)`` instead of `init()` (e.g. a named protocol's preset,
/// ``ProtocolConfigurable``).
public protocol PresetSelectingConfiguration: ExperimentConfiguration {
    /// The defaults `overrides` are laid over.
    static func presetDefaults(for overrides: JSONValue) throws -> Self
}

/// An experiment as a value: a configuration, independent units of work, and a function from
/// finished units to tables. ``ExperimentRunner`` owns everything else (validation order,
/// writability checks, fingerprints, checkpoints, threads and ranks, progress, atomic writes,
/// sidecars); an experiment does no I/O of its own and names no command-line flag.
///
/// Unit `i` must depend only on the configuration, the setup and `i` (seed it with
/// `SeedSequence.derive(settings.seed, stream:, index:)`), so results do not depend on the
/// thread or rank count, and a checkpointed unit never needs recomputing.
public protocol Experiment: Sendable {
    associatedtype Configuration: ExperimentConfiguration
    /// What every unit shares: loaded data, built networks (read-only while units run).
    associatedtype Setup: Sendable = Void
    associatedtype Unit: Sendable
    associatedtype UnitResult: Codable & Sendable

    /// The name catalog files use for this experiment type (`"lattice_grow"`).
    static var identifier: String { get }
    /// Bump when the science changes, so old checkpoints and finished results are redone.
    static var revision: Int { get }
    /// The main table's columns: the one list that JSON files, tests and figures read.
    static var columns: [String] { get }
    /// Other tables by role (`"summary"`, `"profiles"`, …) with their columns.
    static var extraTables: [String: [String]] { get }
    /// True when one unit spreads its own work over `settings.threads` (e.g. a threshold row's
    /// growths): the runner then runs units one at a time, so the two levels do not oversubscribe.
    static var parallelInsideUnits: Bool { get }
    /// True when the configuration itself draws independent replicates (``ClaimsExperiment``): the
    /// runner then refuses ``RunSettings/replicates`` > 1 rather than replicate it twice.
    static var runsOwnReplicates: Bool { get }

    /// Throws a usage error describing the offending value (not the flag) when the
    /// configuration cannot be run.
    func validate(_ configuration: Configuration) throws
    func prepare(_ configuration: Configuration, _ settings: RunSettings) throws -> Setup
    func units(_ configuration: Configuration, _ setup: Setup) throws -> [Unit]
    /// One unit of work: pure, no I/O, no flags.
    func run(_ unit: Unit, index: Int, _ configuration: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> UnitResult
    /// Finished units (in unit order) to tables and files.
    func products(_ results: [UnitResult], _ configuration: Configuration, _ setup: Setup,
                  _ settings: RunSettings) throws -> ExperimentProducts
}

extension Experiment {
    public static var extraTables: [String: [String]] { [:] }
    public static var parallelInsideUnits: Bool { false }
    public static var runsOwnReplicates: Bool { false }
    public func validate(_ configuration: Configuration) throws {}
}

extension Experiment where Setup == Void {
    public func prepare(_ configuration: Configuration, _ settings: RunSettings) throws {}
}

/// What an experiment produces: tables by role (`"table"` is the main one) and files by role
/// (e.g. a trained model), plus notes for the sidecar.
public struct ExperimentProducts: Sendable {
    public static let mainRole = "table"
    public var tables: [String: Table]
    public var files: [String: [UInt8]]
    public var notes: [String]

    public init(tables: [String: Table] = [:], files: [String: [UInt8]] = [:], notes: [String] = []) {
        self.tables = tables
        self.files = files
        self.notes = notes
    }

    public init(table: Table, notes: [String] = []) { self.init(tables: [Self.mainRole: table], notes: notes) }
}

/// How a run is executed, as opposed to what it computes: the root seed, generator and replicate
/// count (which determine the results) and the threads and progress (which do not).
public struct RunSettings: Sendable, Equatable {
    public var seed: UInt64
    public var generator: String
    public var threads: Int
    public var quiet: Bool
    /// Checkpoint finished units beside the main output so an interrupted run resumes.
    public var checkpoints: Bool
    /// Independent replicates K of the whole experiment (``Replicated``); 1: the run as it is.
    public var replicates: Int

    public init(seed: UInt64 = 1, generator: String = RandomGenerator.resolvedAlgorithm(nil),
                threads: Int = ParallelMap.defaultThreads, quiet: Bool = true, checkpoints: Bool = true,
                replicates: Int = 1) {
        self.seed = seed
        self.generator = generator
        self.threads = threads
        self.quiet = quiet
        self.checkpoints = checkpoints
        self.replicates = replicates
    }
}
