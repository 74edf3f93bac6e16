import Connectivity
import Foundation
import Percolation
import Support

/// iid site percolation on Z^n grown by ``AnchorClusterGrowth`` (rule iid:P, P = λ/(2n − 1)) beside
/// its Galton–Watson limit (``BranchingProcess``): for each λ, the fraction of `trials` clusters
/// that reach `cap` sites against the exact probability π that the process's total progeny reaches
/// `cap` (hitting-time theorem), with the binomial standard error √(π(1−π)/trials) of that value and
/// the deviation in those units. Agreement checks the growth code (lattice loops shift survival by
/// O(1/n)). Trial t of the λ at index i draws its coins from SeedSequence(seed, "iid-growth-i", t).
/// The "thresholds" table gives p_c(n) from the 1/σ series (``ThresholdSeries``) beside the
/// literature at the largest tabulated dimension and at n.
public struct LatticeIIDGrowthExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Lattice dimension n ≥ 2.
        public var dimension = 784
        /// Mean offspring λ = (2n − 1)P, each in (0, 2n − 1).
        public var lambdas = [0.5, 1.5, 2, 4]
        /// Clusters per λ.
        public var trials = 400
        /// Stop when the cluster has this many sites (survived).
        public var cap = 1000
        public init() {}
    }

    public static let identifier = "lattice_iid_growth"
    public static let revision = 1
    public static let columns = ["dimension", "lambda", "p", "trials", "cap", "survived", "survival", "survival_se",
                                 "branching_survival_to_cap", "branching_survival", "deviation_sigma",
                                 "mean_cluster_size", "open_fraction"]
    public static var extraTables: [String: [String]] {
        ["thresholds": ["dimension", "kind", "pc_series", "series_truncation_scale", "pc_literature",
                        "pc_literature_uncertainty", "literature_source"]]
    }

    public init() {}

    public func validate(_ c: Configuration) throws {
        guard c.dimension >= 2 else { throw ModeLatticeError.invalid("dimension", "must be at least 2 (got \(c.dimension))") }
        guard c.cap >= 1 else { throw ModeLatticeError.invalid("cap", "must be at least 1 (got \(c.cap))") }
        guard c.trials >= 1 else { throw ModeLatticeError.invalid("trials", "must be at least 1 (got \(c.trials))") }
        guard !c.lambdas.isEmpty else { throw ModeLatticeError.invalid("lambdas", "must hold at least one value") }
        for l in c.lambdas where !(l > 0 && l < Double(2 * c.dimension - 1)) {
            throw ModeLatticeError.invalid("lambdas", "must give 0 < P < 1, i.e. 0 < λ < \(2 * c.dimension - 1) (got \(Cell.double(l).csv))")
        }
    }

    /// One unit per (λ index, trial).
    public func units(_ c: Configuration, _ setup: Void) throws -> [(lambda: Int, trial: Int)] {
        c.lambdas.indices.flatMap { i in (0..<c.trials).map { (i, $0) } }
    }

    public func run(_ u: (lambda: Int, trial: Int), index: Int, _ c: Configuration, _ setup: Void,
                    _ s: RunSettings) throws -> AnchorClusterGrowth.Result {
        let rule = GrowthOpenRule.iid(c.lambdas[u.lambda] / Double(2 * c.dimension - 1))
        return try AnchorClusterGrowth(dimension: c.dimension, rule: rule, cap: c.cap,
                                       seed: SeedSequence.derive(s.seed, stream: "iid-growth-\(u.lambda)", index: u.trial))
            .run(classifier: nil)
    }

    public func products(_ results: [AnchorClusterGrowth.Result], _ c: Configuration, _ setup: Void,
                         _ s: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        for (i, lambda) in c.lambdas.enumerated() {
            let runs = results[(i * c.trials)..<((i + 1) * c.trials)]
            let p = lambda / Double(2 * c.dimension - 1)
            let theory = try BranchingProcess(dimension: c.dimension, p: p)
            let survived = runs.filter(\.survived).count
            let survival = Double(survived) / Double(c.trials)
            let toCap = theory.survival(toSize: c.cap)
            let se = (toCap * (1 - toCap) / Double(c.trials)).squareRoot()
            let decided = runs.reduce(0) { $0 + $1.evaluations }
            let open = runs.reduce(0.0) { $0 + ($1.openFraction ?? 0) * Double($1.evaluations) }
            table.append([.int(c.dimension), .double(lambda), .double(p), .int(c.trials), .int(c.cap), .int(survived),
                          .double(survival), .double(se), .double(toCap), .double(theory.survival),
                          .double(survival == toCap ? 0 : (survival - toCap) / se),
                          .double(Double(runs.reduce(0) { $0 + $1.clusterSize }) / Double(c.trials)),
                          .double(decided > 0 ? open / Double(decided) : 0)])
        }
        var thresholds = Table(columns: Self.extraTables["thresholds"]!)
        for d in [LiteratureThreshold.table.map(\.dimension).max() ?? 13, c.dimension] {
            for kind in [ThresholdKind.site, .bond] {
                let lit = LiteratureThreshold.lookup(dimension: d, kind: kind)
                thresholds.append([.int(d), .text(kind.rawValue), .double(ThresholdSeries.pc(dimension: d, kind: kind)),
                                   .double(ThresholdSeries.truncationScale(dimension: d, kind: kind)),
                                   lit.map { .double($0.pc) } ?? .empty, lit.map { .double($0.pcUncertainty) } ?? .empty,
                                   .text(lit?.source ?? "")])
            }
        }
        return ExperimentProducts(
            tables: ["table": table, "thresholds": thresholds],
            notes: ["iid growth (AnchorClusterGrowth, rule iid:P, P = λ/(2n−1)) beside the Galton–Watson process with Binomial(2n−1, P) offspring (root Binomial(2n, P))",
                    "branching_survival_to_cap: exact P(total progeny ≥ cap) by the hitting-time theorem; survival_se: binomial SE of that value over the trials",
                    "p_c series: " + ThresholdSeries.source])
    }
}
