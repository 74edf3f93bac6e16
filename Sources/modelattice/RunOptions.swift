import ArgumentParser
import Experiments
import Support

/// Options every computing command shares: the root seed, the thread count, the GSL generator and
/// whether to show progress. Results depend on the seed and generator only, never on threads.
struct RunOptions: ParsableArguments {
    @Option(help: "Root seed; every unit of work derives its own seed from it.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?

    @Option(help: "GSL generator name (default: $GSL_RNG_TYPE, else mt19937).")
    var rng: String?

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    var threadCount: Int { threads ?? ParallelMap.defaultThreads }
    var settings: RunSettings { RunSettings(seed: seed, generator: generator, threads: threadCount, quiet: quiet) }
    var generator: String { RandomGenerator.resolvedAlgorithm(rng) }

    func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1 (got \(threads)).")
        }
        do { try RandomGenerator.validate(algorithm: generator) } catch let e as ModeLatticeError {
            throw ValidationError(e.message)
        }
    }
}
