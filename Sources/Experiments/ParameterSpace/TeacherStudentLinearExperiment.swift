import Connectivity
import Foundation
import Support

/// Deep linear regression minima (issue 8, after Lin, Li & Wu, arXiv 2404.06391): loss
/// ‖W_L⋯W_1 − W*‖²_F with W* iid N(0, 1/d); pairs of random factorizations of W* at each width m,
/// a center searched by ``DeepLinearCenter`` (a local search: its G is an upper bound on the
/// shortest), both segments scanned at P points (zero loss ⇔ max ≤ tolerance).
///
/// Rows (``TeacherStudentTable/columns``) per width: `linear_connected`, `two_piece_connected`
/// (bound 1 where m > 2L − 1, the claimed regime), `center_path_max_loss`, `geodesic_ratio`,
/// `geodesic_ratio_max`, `distance`.
///
/// W* comes from stream "teacher-student/linear/teacher" (index d); unit = (width, pair p) from
/// stream "teacher-student/linear/d…/L…/m…", index p.
public struct TeacherStudentLinearExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Hidden widths m, each ≥ d.
        public var widths = [2, 3, 4, 5, 6, 8, 12, 16]
        /// Input = output dimension d.
        public var dimension = 2
        /// Depth L ≥ 2.
        public var depth = 3
        /// Pairs of minima per width.
        public var pairs = 40
        /// Points per segment scan.
        public var points = 61
        /// Center-search starts per pair.
        public var restarts = 3
        /// A segment "has zero loss" when its scanned max loss is at most this.
        public var tolerance = 1e-16
        public init() {}
    }

    public static let identifier = "teacher_student_linear"
    public static let revision = 1
    public static var columns: [String] { TeacherStudentTable.columns }

    public init() {}

    public struct Unit: Sendable {
        public var width: Int
        public var pair: Int
    }

    public struct UnitResult: Codable, Sendable {
        var linear: Bool
        var twoPiece: Bool
        var ratio: Double?
        var centerPathMax: Double
        var distance: Double
    }

    public func validate(_ c: Configuration) throws {
        try TeacherStudentTable.validate(widths: c.widths, pairs: c.pairs, points: c.points)
        guard c.depth >= 2 else { throw ModeLatticeError.invalid("depth", "must be at least 2 (got \(c.depth))") }
        guard c.dimension >= 1 else { throw ModeLatticeError.invalid("dimension", "must be at least 1 (got \(c.dimension))") }
        guard c.restarts >= 1 else { throw ModeLatticeError.invalid("restarts", "must be at least 1 (got \(c.restarts))") }
        if let bad = c.widths.first(where: { $0 < c.dimension }) {
            throw ModeLatticeError.invalid("widths", "must each be at least the dimension \(c.dimension) (got \(bad)); deep linear minima need width ≥ d")
        }
    }

    /// W* with iid N(0, 1/d) entries, drawn once per run from its own stream.
    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> [Double] {
        let rng = try RandomGenerator(algorithm: settings.generator,
                                      seed: SeedSequence.derive(settings.seed, stream: "teacher-student/linear/teacher", index: c.dimension))
        let sd = (1 / Double(c.dimension)).squareRoot()
        return (0..<(c.dimension * c.dimension)).map { _ in rng.gaussian(sigma: sd) }
    }

    public func units(_ c: Configuration, _ teacher: [Double]) throws -> [Unit] {
        c.widths.flatMap { m in (0..<c.pairs).map { Unit(width: m, pair: $0) } }
    }

    public func run(_ u: Unit, index: Int, _ c: Configuration, _ teacher: [Double], _ settings: RunSettings) throws -> UnitResult {
        let m = u.width
        let problem = DeepLinearRegression(dimension: c.dimension, width: m, depth: c.depth, teacher: teacher)
        let stream = "teacher-student/linear/d\(c.dimension)/L\(c.depth)/m\(m)"
        let rng = try RandomGenerator(algorithm: settings.generator, seed: SeedSequence.derive(settings.seed, stream: stream, index: u.pair))
        func draw() throws -> [Double] {
            for _ in 0..<16 { if let theta = problem.sampleMinimum(rng: rng) { return theta } }
            throw ModeLatticeError.software("could not sample a deep linear minimum at width \(m) (singular factors)")
        }
        let a = try draw(), b = try draw()
        let direct = ParameterPath.segment(a, b).maxLoss(points: c.points, loss: problem.loss)
        let found = DeepLinearCenter.search(problem, a, b, restarts: c.restarts, rng: rng)
        let path = ParameterPath.twoPiece(a, via: found.center, b)
        let pathMax = path.maxLoss(points: c.points, loss: problem.loss)
        let connected = pathMax <= c.tolerance
        return UnitResult(linear: direct <= c.tolerance, twoPiece: connected, ratio: connected ? path.lengthRatio : nil,
                          centerPathMax: pathMax, distance: ParameterPath<Double>.distance(a, b))
    }

    public func products(_ results: [UnitResult], _ c: Configuration, _ teacher: [Double],
                         _ settings: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        for (w, m) in c.widths.enumerated() {
            let pairs = Array(results[(w * c.pairs)..<((w + 1) * c.pairs)])
            func row(_ statistic: String, _ count: Int, _ estimate: Double, _ stderr: Cell, _ bound: Cell = .empty) -> [Cell] {
                [.text("linear"), .text("factorization"), .int(m), .int(c.depth), .text(statistic), .int(count), .double(estimate), stderr, bound]
            }
            let linear = SampleStatistics.proportion(pairs.map(\.linear))
            table.append(row("linear_connected", pairs.count, linear.p, .double(linear.se)))
            let twoPiece = SampleStatistics.proportion(pairs.map(\.twoPiece))
            table.append(row("two_piece_connected", pairs.count, twoPiece.p, .double(twoPiece.se), m > 2 * c.depth - 1 ? .double(1) : .empty))
            let connected = pairs.filter(\.twoPiece)
            table.append(row("center_path_max_loss", connected.count, connected.map(\.centerPathMax).max() ?? .nan, .empty))
            let ratios = SampleStatistics.mean(connected.compactMap(\.ratio))
            table.append(row("geodesic_ratio", connected.count, ratios.mean, .double(ratios.se)))
            table.append(row("geodesic_ratio_max", connected.count, connected.compactMap(\.ratio).max() ?? .nan, .empty))
            let distance = SampleStatistics.mean(pairs.map(\.distance))
            table.append(row("distance", pairs.count, distance.mean, .double(distance.se)))
        }
        return ExperimentProducts(table: table, notes: [
            "loss: |W_L...W_1 - W*|_F^2 (x ~ N(0, I_d)); W* iid N(0, 1/d)",
            "minima: W_1..W_{L-1} iid N(0, 1/fan-in), W_L = W* Q^+ + Z(I - Q Q^+)",
            "center: Levenberg-Marquardt on the exactly integrated loss of both segments (Gauss-Legendre, L+1 nodes), from the midpoint then perturbed midpoints; a local search",
            "two_piece_connected: found center whose two segments scan at max loss <= tolerance; bound = 1 where m > 2L-1 (the claimed regime)",
            "geodesic_ratio: G of the found center (an upper bound on the shortest)",
        ])
    }
}
