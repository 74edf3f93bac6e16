import Connectivity
import Foundation
import Support

/// Two-layer ReLU teacher–student minima (issue 8, after Lin, Li & Wu, arXiv 2404.06391): pairs of
/// random global minima at each student width m, their linear connectivity (Lemma 7, and a direct
/// scan of the segment), 2-piece connectivity against the paper's bound 1 − M((M²−1)/M²)^{m−2M},
/// and the length ratio G = (‖A−C‖+‖C−B‖)/‖A−B‖ of the shortest center (``TwoPieceCenter``).
///
/// Rows (``TeacherStudentTable/columns``), per minima kind (uniform, sparse; ``TeacherStudentMinimum``),
/// width and statistic:
/// - `linear_connected`, `two_piece_connected`: fractions of pairs, binomial stderr √(p(1−p)/n);
/// - `scan_agreement`: fraction where Lemma 7 and the scan at P points (max loss ≤ tolerance) agree;
/// - `unconnected_min_scan_loss`: over pairs not linearly connected, the smallest scanned max loss;
/// - `center_path_max_loss`: over 2-piece-connected pairs, the largest loss on A → C → B;
/// - `geodesic_ratio` (mean, sd/√n), `geodesic_ratio_max`, `geodesic_ratio_lower_bound` (the
///   certified lower bound on the shortest G), `distance` (mean ‖A−B‖).
///
/// Unit = (kind, width, pair p), seeded from stream "teacher-student/relu/KIND/M…/d…/m…", index p.
public struct TeacherStudentReLUExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Student widths m, each ≥ 2M.
        public var widths = [8, 12, 16, 24, 32, 48, 64, 96, 128]
        /// Teacher neurons M.
        public var teachers = 4
        /// Input dimension d ≥ M (nil: d = M).
        public var dimension: Int? = nil
        /// Pairs of minima per width and kind.
        public var pairs = 400
        /// Points per segment scan.
        public var points = 61
        /// A segment "has zero loss" when its scanned max loss is at most this.
        public var tolerance = 1e-10
        public init() {}

        public var inputDimension: Int { dimension ?? teachers }
    }

    public static let identifier = "teacher_student_relu"
    public static let revision = 1
    public static var columns: [String] { TeacherStudentTable.columns }
    static let kinds = ["uniform", "sparse"]

    public init() {}

    public struct Unit: Sendable {
        public var kind: String
        public var width: Int
        public var pair: Int
    }

    public struct UnitResult: Codable, Sendable {
        var linear: Bool
        var scanMax: Double
        var twoPiece: Bool
        var ratio: Double?
        var ratioLowerBound: Double?
        var centerPathMax: Double?
        var distance: Double
    }

    public func validate(_ c: Configuration) throws {
        try TeacherStudentTable.validate(widths: c.widths, pairs: c.pairs, points: c.points)
        guard c.teachers >= 1 else { throw ModeLatticeError.invalid("teachers", "must be at least 1 (got \(c.teachers))") }
        guard c.inputDimension >= c.teachers else {
            throw ModeLatticeError.invalid("dimension", "must be at least the number of teachers \(c.teachers) (got \(c.inputDimension))")
        }
        if let bad = c.widths.first(where: { $0 < 2 * c.teachers }) {
            throw ModeLatticeError.invalid("widths", "must each be at least 2M = \(2 * c.teachers) (got \(bad))")
        }
    }

    public func units(_ c: Configuration, _ setup: Void) throws -> [Unit] {
        Self.kinds.flatMap { kind in c.widths.flatMap { m in (0..<c.pairs).map { Unit(kind: kind, width: m, pair: $0) } } }
    }

    public func run(_ u: Unit, index: Int, _ c: Configuration, _ setup: Void, _ settings: RunSettings) throws -> UnitResult {
        let d = c.inputDimension, m = u.width
        let model = ReLUTeacherStudent(teachers: c.teachers, inputDimension: d)
        let stream = "teacher-student/relu/\(u.kind)/M\(c.teachers)/d\(d)/m\(m)"
        let rng = try RandomGenerator(algorithm: settings.generator, seed: SeedSequence.derive(settings.seed, stream: stream, index: u.pair))
        let sample = u.kind == "uniform" ? TeacherStudentMinimum.uniform : TeacherStudentMinimum.sparse
        let a = sample(m, c.teachers, rng), b = sample(m, c.teachers, rng)
        let wa = a.weights(inputDimension: d), wb = b.weights(inputDimension: d)
        let scanMax = ParameterPath.segment(wa, wb).maxLoss(points: c.points, loss: model.loss)
        var pair = UnitResult(linear: LinearConnectivity.isLinearlyConnected(a, b), scanMax: scanMax,
                              twoPiece: false, distance: TeacherStudentMinimum.distance(a, b))
        if let center = TwoPieceCenter.shortest(a, b) {
            pair.twoPiece = true
            pair.ratio = center.ratio
            pair.ratioLowerBound = center.lowerBound / center.distance
            let wc = center.center.weights(inputDimension: d)
            pair.centerPathMax = ParameterPath.twoPiece(wa, via: wc, wb).maxLoss(points: c.points, loss: model.loss)
        }
        return pair
    }

    public func products(_ results: [UnitResult], _ c: Configuration, _ setup: Void, _ settings: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        var offset = 0
        for kind in Self.kinds {
            for m in c.widths {
                Self.rows(Array(results[offset..<(offset + c.pairs)]), c, kind: kind, width: m).forEach { table.append($0) }
                offset += c.pairs
            }
        }
        return ExperimentProducts(table: table, notes: Self.notes)
    }

    /// The statistics of one (kind, width) over its pairs.
    public static func rows(_ results: [UnitResult], _ c: Configuration, kind: String, width m: Int) -> [[Cell]] {
        let n = results.count
        func row(_ statistic: String, _ count: Int, _ estimate: Double, _ stderr: Cell, _ bound: Cell = .empty) -> [Cell] {
            [.text("relu"), .text(kind), .int(m), .int(2), .text(statistic), .int(count), .double(estimate), stderr, bound]
        }
        var rows: [[Cell]] = []
        let linear = SampleStatistics.proportion(results.map(\.linear))
        rows.append(row("linear_connected", n, linear.p, .double(linear.se)))
        let twoPiece = SampleStatistics.proportion(results.map(\.twoPiece))
        let bound: Cell = kind == "uniform" ? .double(LinearConnectivity.twoPieceLowerBound(rows: m, teachers: c.teachers)) : .empty
        rows.append(row("two_piece_connected", n, twoPiece.p, .double(twoPiece.se), bound))
        let agreement = SampleStatistics.proportion(results.map { $0.linear == ($0.scanMax <= c.tolerance) })
        rows.append(row("scan_agreement", n, agreement.p, .double(agreement.se)))
        let unconnected = results.filter { !$0.linear }.map(\.scanMax)
        rows.append(row("unconnected_min_scan_loss", unconnected.count, unconnected.min() ?? .nan, .empty))
        let connected = results.filter(\.twoPiece)
        rows.append(row("center_path_max_loss", connected.count, connected.compactMap(\.centerPathMax).max() ?? .nan, .empty))
        let ratios = SampleStatistics.mean(connected.compactMap(\.ratio))
        rows.append(row("geodesic_ratio", connected.count, ratios.mean, .double(ratios.se)))
        rows.append(row("geodesic_ratio_max", connected.count, connected.compactMap(\.ratio).max() ?? .nan, .empty))
        let lower = SampleStatistics.mean(connected.compactMap(\.ratioLowerBound))
        rows.append(row("geodesic_ratio_lower_bound", connected.count, lower.mean, .double(lower.se)))
        let distance = SampleStatistics.mean(results.map(\.distance))
        rows.append(row("distance", n, distance.mean, .double(distance.se)))
        return rows
    }

    static let notes = [
        "loss: closed-form population loss, x uniform on S^{d-1}, kappa(u,v) = |u||v|(sin t + (pi - t) cos t)/(2 pi d)",
        "uniform minima: rows assigned iid uniformly to teachers (redrawn until every teacher has a row), Dirichlet(1,...,1) splits per teacher",
        "sparse minima: one random row per teacher with alpha = 1, all other rows zero",
        "linear_connected: Lemma 7 criterion; scan_agreement: criterion vs max loss on the segment at P points <= tolerance",
        "geodesic_ratio: shortest center by projected gradient over feasible centers (exact for uniform minima; with free rows: best of two free-row assignments, an upper bound; geodesic_ratio_lower_bound from the pooled free-row relaxation)",
        "two_piece_connected bound: 1 - M((M^2-1)/M^2)^(m-2M), uniform minima only",
    ]
}

/// The table both teacher–student experiments write: one row per (setup, minima, width, statistic).
public enum TeacherStudentTable {
    public static let columns = ["setup", "minima", "width", "depth", "statistic", "pairs", "estimate", "stderr", "bound"]

    static func validate(widths: [Int], pairs: Int, points: Int) throws {
        guard !widths.isEmpty else { throw ModeLatticeError.invalid("widths", "must not be empty") }
        guard pairs >= 1 else { throw ModeLatticeError.invalid("pairs", "must be at least 1 (got \(pairs))") }
        guard points >= 2 else { throw ModeLatticeError.invalid("points", "must be at least 2 (got \(points))") }
    }
}
