import ArgumentParser
import Foundation
import Percolation
import Support

/// `modelattice percolation sweep`: Newman–Ziff sweeps over T trials, written as canonical
/// averages at K values of p (CSV contract in ``SweepResult/columns``) with a JSON sidecar.
/// Finished trials are checkpointed beside the output, so a run stopped with Ctrl-C and started
/// again with the same arguments resumes from them.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Newman-Ziff sweep: observables at K values of p, averaged over trials.")

    @Option(help: "Lattice dimension d >= 1.") var dim: Int
    @Option(help: "Lattice side L >= 2 (L^d <= 2^31 - 1 sites).") var size: Int
    @Option(help: "site or bond percolation.") var kind: PercolationKind = .site
    @Option(help: "periodic or open boundaries.") var boundary: HypercubicLattice.Boundary = .periodic
    @Option(help: "Number of independent trials T >= 1.") var trials: Int
    @Option(help: "Number of values of p, K >= 1.") var points: Int
    @Option(help: "Smallest p, in [0, 1].") var pmin: Double
    @Option(help: "Largest p, in [0, 1].") var pmax: Double
    @Option(help: "Output CSV path (the sidecar F.json is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func run() throws {
        let started = Date()
        let lattice = try HypercubicLattice(dimension: dim, side: size, boundary: boundary)
        guard trials >= 1 else { throw ModeLatticeError.usage("--trials must be at least 1 (got \(trials))") }
        let probabilities = try NewmanZiffSweep.probabilities(points: points, pmin: pmin, pmax: pmax)
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: kind, probabilities: probabilities,
                                        seed: options.seed, generator: options.generator)
        try AtomicFile.checkWritable(output)
        let parameters: [String: String] = [
            "dim": String(dim), "size": String(size), "kind": kind.rawValue, "boundary": boundary.rawValue,
            "trials": String(trials), "points": String(points), "pmin": String(pmin), "pmax": String(pmax),
            "union_find_bytes_per_site": String(lattice.unionFindBytesPerSite),
            "winding_bits_per_axis": String(lattice.windingBitsPerAxis),
        ]
        let fingerprint = "percolation sweep v\(ModeLatticeVersion.string) seed=\(options.seed) rng=\(sweep.generator) "
            + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
        let checkpoint = try Checkpoint<[Double]>(output: output, fingerprint: fingerprint)
        let progress = ProgressLine("sweep", total: trials - checkpoint.restored.count, quiet: options.quiet)
        let result = try sweep.run(trials: trials, threads: options.threadCount, restored: checkpoint.restored) { index, value in
            checkpoint.record(index: index, value: value)
            progress.advance()
        }
        progress.finish()
        let record = RunRecord(seed: options.seed, generator: sweep.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started),
                               started: started,
                               notes: checkpoint.restored.isEmpty ? [] : ["resumed with \(checkpoint.restored.count) trials from a checkpoint"])
        try result.table.write(to: output, record: record)
        checkpoint.finish()
    }
}

extension PercolationKind: ExpressibleByArgument {}
extension HypercubicLattice.Boundary: ExpressibleByArgument {}
