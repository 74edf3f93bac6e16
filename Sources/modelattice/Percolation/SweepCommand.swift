import ArgumentParser
import Experiments
import Percolation
import Support

/// `modelattice percolation sweep`: options → ``PercolationSweepExperiment/Configuration`` →
/// ``ExperimentRunner`` (checkpoint and resume, threads and MPI ranks, sidecars).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Newman-Ziff sweep: observables at K values of p, averaged over trials.")
    typealias Experiment = PercolationSweepExperiment

    @Option(help: "Lattice dimension d >= 1.") var dim: Int
    @Option(help: "Lattice side L >= 2 (L^d <= 2^31 - 1 sites).") var size: Int
    @Option(help: "site or bond percolation.") var kind: PercolationKind = Experiment.Configuration().kind
    @Option(help: "periodic or open boundaries.") var boundary: HypercubicLattice.Boundary = Experiment.Configuration().boundary
    @Option(help: "Number of independent trials T >= 1.") var trials: Int
    @Option(help: "Number of values of p, K >= 1.") var points: Int
    @Option(help: "Smallest p, in [0, 1].") var pmin: Double
    @Option(help: "Largest p, in [0, 1].") var pmax: Double
    @Option(help: "Output CSV path (the sidecar F.json is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.dim, c.size, c.kind, c.boundary) = (dim, size, kind, boundary)
        (c.trials, c.points, c.pmin, c.pmax) = (trials, points, pmin, pmax)
        try CommandErrors.naming(["trials": "--trials", "points": "--points", "pmin": "--pmin", "pmax": "--pmax",
                                  "dimension": "--dim", "side": "--size"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(table: output), settings: options.settings)
        }
    }
}

extension PercolationKind: ExpressibleByArgument {}
extension HypercubicLattice.Boundary: ExpressibleByArgument {}
