import ArgumentParser
import Experiments
import Percolation
import Support

/// `modelattice percolation field`: options → ``PercolationFieldExperiment/Configuration`` (one
/// correlation) → ``ExperimentRunner``: excursion sets of a stationary Gaussian random field on the
/// torus (Z/LZ)^d, one CSV row per trial; `--correlation-output` writes the covariance table.
struct FieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field",
        abstract: "Correlated percolation: the lowest fraction p of a Gaussian random field on the torus, clustered.")
    typealias Experiment = PercolationFieldExperiment

    @Option(help: "Lattice dimension d >= 1.") var dim: Int
    @Option(help: "Lattice side L >= 2.") var size: Int
    @Option(help: ArgumentHelp(
        "periodic or open.",
        discussion: "periodic: the field lives on the torus of side L. open: the box of side L is cut from a field on the torus of side 2L, so its covariance has no wrap-around (2^d times the memory)."))
    var boundary: HypercubicLattice.Boundary = .periodic
    @Option(help: ArgumentHelp(
        "none, gaussian:XI or power:H.",
        discussion: "none: iid values. gaussian:XI: C(r) = exp(-r^2/(2 XI^2)), XI > 0 in lattice units. power:H: C(r) = (1 + r^2)^-(1-H), i.e. r^-a with the Weinrib-Halperin exponent a = 2(1 - H); H in (0, 1) is a Hurst exponent (in d = 1 the decay of fractional Gaussian noise), larger H = longer range."))
    var correlation: String
    @Option(help: "Open fraction p in (0, 1): the round(p N) lowest field values are open.") var openFraction: Double
    @Option(help: "Number of independent fields T >= 1.") var trials: Int
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @Option(help: "Also write r,c_target,c_measured: the normalized covariance along the axes, r = 0..L/2 (periodic) or 0..L-1 (open).")
    var correlationOutput: String?
    @OptionGroup var options: RunOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.dim, c.size, c.correlations, c.openFraction, c.trials) = (dim, size, [correlation], openFraction, trials)
        if boundary == .open { c.boundary = .open }
        var outputs = ExperimentOutputs(table: output)
        outputs["axisCovariance"] = correlationOutput
        try CommandErrors.naming(["dim": "--dim", "dimension": "--dim", "size": "--size", "side": "--size", "correlation": "--correlation",
                                  "openFraction": "--open-fraction", "trials": "--trials", "boundary": "--boundary"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: outputs, settings: options.settings)
        }
    }
}
