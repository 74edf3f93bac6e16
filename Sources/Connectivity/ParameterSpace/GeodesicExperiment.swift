import Support

/// The geodesic estimate of Lin, Li & Wu (arXiv 2404.06391, Sec. 5, Table 2) with a center per
/// pair: for each pair (i, j) and each λ, a center θ̃ minimizing J over the two minima {θ_i, θ_j}
/// (``StarCenter``, started at their midpoint) and the two-piece path θ_i → θ̃ → θ_j. Larger λ
/// shortens the path (G → 1 as θ̃ → the midpoint) at the price of a higher barrier; the rows
/// (``columns``) trace that (barrier, G) trade-off. A shared center cannot do this: see
/// ``StarGeometry`` (max G ≥ √(2(K−1)/K)).
///
/// Unit u = (pair, λ) in row order trains its center with seed
/// `SeedSequence.derive(seed, stream: "geodesic", index: u)`; with checks in the configuration each
/// unit stops on its own plateau of Ĵ and leaves trace rows named `i-j` (``StarCheckpoint``).
public enum GeodesicExperiment {
    public static let columns = ["i", "j", "lambda", "barrier", "min_accuracy", "geodesic_bound"]

    public struct Result: Sendable {
        public var table: Table
        public var trace: Table
        /// Center steps of each unit, in row order.
        public var steps: [Int]
    }

    /// All pairs i < j of K minima, in row order.
    public static func pairs(_ k: Int) -> [(Int, Int)] {
        (0..<k).flatMap { i in ((i + 1)..<k).map { (i, $0) } }
    }

    public static func run(minima: [[Float]], pairs: [(Int, Int)], lambdas: [Double], evaluator: StarPathEvaluator,
                           center configuration: StarCenterConfiguration, points: Int,
                           risk: StarExperiment.Risk, checkPoints: Int = 11, onUnit: () -> Void = {}) throws -> Result {
        guard points >= 2 else { throw ModeLatticeError.usage("points per segment must be ≥ 2 (got \(points))") }
        guard !lambdas.isEmpty, lambdas.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ModeLatticeError.usage("--lambdas must be non-negative numbers")
        }
        var table = Table(columns: columns)
        var trace = Table(columns: StarCheckpoint.traceColumns)
        var steps: [Int] = []
        let monitor = StarCenterMonitor(evaluator: evaluator, points: checkPoints)
        var unit = 0
        for (i, j) in pairs {
            guard i != j, minima.indices.contains(i), minima.indices.contains(j) else {
                throw ModeLatticeError.usage("pair (\(i), \(j)) is not two distinct minima of \(minima.count)")
            }
            for lambda in lambdas {
                var c = configuration
                c.lambda = lambda
                c.start = .mean
                c.seed = SeedSequence.derive(configuration.seed, stream: "geodesic", index: unit)
                let run = try monitor.run(name: "\(i)-\(j)", minima: [minima[i], minima[j]], configuration: c, risk: risk,
                                          trace: &trace)
                let center = run.center
                steps.append(run.steps)
                let a = evaluator.segment(minima[i], center, points: points)
                let b = evaluator.segment(center, minima[j], points: points)
                let path = ParameterPath.twoPiece(minima[i], via: center, minima[j])
                table.append([.int(i), .int(j), .double(lambda), .double(SegmentEvaluation.pathBarrier([a, b])),
                              .double(SegmentEvaluation.pathMinAccuracy([a, b])), .double(path.lengthRatio)])
                unit += 1
                onUnit()
            }
        }
        return Result(table: table, trace: trace, steps: steps)
    }
}
