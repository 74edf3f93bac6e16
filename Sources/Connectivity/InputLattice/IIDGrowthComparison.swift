import Foundation
import Percolation
import Support

/// iid site percolation on Z^n grown by ``AnchorClusterGrowth`` (rule iid:P, P = λ/(2n − 1)) beside
/// its Galton–Watson limit (``BranchingProcess``): for each λ, the fraction of `trials` clusters
/// that reach `cap` sites against the exact probability that the process's total progeny reaches
/// `cap`, with the binomial standard error of the theory value over `trials` and the deviation in
/// those units. Agreement checks the growth code (lattice loops shift survival by O(1/n)). Trial t
/// of the λ at index i draws its coins from SeedSequence(seed, "iid-growth-i", t).
public enum IIDGrowthComparison {
    public struct Row: Sendable, Codable, Equatable {
        public var dimension: Int
        public var lambda: Double
        public var p: Double
        public var trials: Int
        public var cap: Int
        public var survived: Int
        public var survival: Double
        /// √(π(1−π)/trials) at the theory value π.
        public var standardError: Double
        /// P(total progeny ≥ cap).
        public var theoryToCap: Double
        /// 1 − (1 − P + P q)^(2n): survival forever.
        public var theoryForever: Double
        /// (survival − theoryToCap)/standardError (0 when both are exactly equal).
        public var deviationSigma: Double
        public var meanClusterSize: Double
        /// Open share of all decided non-anchor sites, pooled over trials.
        public var openFraction: Double
    }

    public static func run(dimension n: Int, lambdas: [Double], trials: Int, cap: Int, seed: UInt64,
                           threads: Int) throws -> [Row] {
        guard trials >= 1 else { throw ModeLatticeError.usage("trials must be at least 1 (got \(trials))") }
        var rows: [Row] = []
        for (i, lambda) in lambdas.enumerated() {
            let p = lambda / Double(2 * n - 1)
            let theory = try BranchingProcess(dimension: n, p: p)
            let rule = try GrowthOpenRule(parsing: "iid:\(p)")
            let runs = try ParallelMap.map(count: trials, threads: threads) { t in
                try AnchorClusterGrowth(dimension: n, rule: rule, cap: cap,
                                        seed: SeedSequence.derive(seed, stream: "iid-growth-\(i)", index: t)).run(classifier: nil)
            }
            let survived = runs.filter(\.survived).count
            let survival = Double(survived) / Double(trials)
            let toCap = theory.survival(toSize: cap)
            let se = (toCap * (1 - toCap) / Double(trials)).squareRoot()
            let decided = runs.reduce(0) { $0 + $1.evaluations }
            let open = runs.reduce(0.0) { $0 + ($1.openFraction ?? 0) * Double($1.evaluations) }
            rows.append(Row(dimension: n, lambda: lambda, p: p, trials: trials, cap: cap, survived: survived, survival: survival,
                            standardError: se, theoryToCap: toCap, theoryForever: theory.survival,
                            deviationSigma: survival == toCap ? 0 : (survival - toCap) / se,
                            meanClusterSize: Double(runs.reduce(0) { $0 + $1.clusterSize }) / Double(trials),
                            openFraction: decided > 0 ? open / Double(decided) : 0))
        }
        return rows
    }
}
