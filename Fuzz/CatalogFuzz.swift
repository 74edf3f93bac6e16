import Foundation
import Support

/// libFuzzer target: bytes as one experiment-catalog file (`experiments/fuzz.json`) through
/// ``ExperimentCatalog/parseEntry(_:path:)`` (what ``ExperimentCatalog/load(directory:)`` calls
/// for every file), then what `reproduce` does with an entry before running it: requirement
/// order, each profile's configuration overrides, and for typed entries the configuration laid
/// over an experiment type's defaults, decoded, checked for unknown fields and fingerprinted
/// (``RegisteredExperiment/configuration(_:_:)``).
///
/// The fuzz binary holds only the Support-level sources of the Experiments module (Catalog and
/// Runner), not the experiment types (they pull in Percolation, NetworkCore and Connectivity), so
/// typed entries are decoded against ``FuzzSweep`` below: a configuration with a field of every
/// kind the real ones use (integers, floats, strings, an enum, a flag, an optional, a list and a
/// nested object), going through the same generic code as every registered type.
@_cdecl("LLVMFuzzerTestOneInput")
public func catalogFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(FuzzCheck.bytes(data, size))
    FuzzCheck.expect([.data]) {
        let spec = try ExperimentCatalog.parseEntry(bytes, path: "experiments/fuzz.json")
        _ = try ExperimentCatalog(experiments: [spec]).select([])
        for profile in ExperimentSpec.profileNames {
            _ = spec.producedFiles(resultsDirectory: "RESULTS")
            _ = spec.outputPaths(resultsDirectory: "RESULTS")
            let overrides = try spec.overrides(profile: profile, resultsDirectory: "RESULTS")
            let configuration = try RegisteredExperiment.configuration(FuzzSweep.self, overrides)
            _ = try ExperimentRunner.fingerprint(FuzzSweep.self, configuration, seed: spec.seed ?? ExperimentSpec.defaultSeed,
                                                 generator: "mt19937")
        }
    }
    return 0
}

/// The stand-in experiment type of the catalog target (never run: only its configuration is).
struct FuzzSweep: Experiment {
    enum Kind: String, Codable, Sendable { case site, bond }
    struct Window: Codable, Equatable, Sendable {
        var low = 0.25
        var high = 0.75
    }
    struct Configuration: ExperimentConfiguration {
        var dim = 2
        var size = 64
        var kind = Kind.site
        var pmin = 0.45
        var label = "sweep"
        var wrap = true
        var model: String? = nil
        var widths = [784, 10]
        var window = Window()
        init() {}
    }
    static let identifier = "fuzz_sweep"
    static let revision = 1
    static let columns = ["p", "value"]

    func units(_ configuration: Configuration, _ setup: Void) throws -> [Int] { [] }
    func run(_ unit: Int, index: Int, _ configuration: Configuration, _ setup: Void, _ settings: RunSettings) throws -> Int { unit }
    func products(_ results: [Int], _ configuration: Configuration, _ setup: Void, _ settings: RunSettings) throws -> ExperimentProducts {
        ExperimentProducts()
    }
}
