import Foundation
import Support

/// The teacher–student connectivity experiment of issue 8 (after Lin, Li & Wu, arXiv 2404.06391):
/// pairs of random global minima at each width, their linear connectivity (Lemma 7, checked by a
/// direct scan of the segment), 2-piece connectivity against the paper's bound, and the length
/// ratio G of the shortest two-piece path through a center.
///
/// Output, one row per (setup, minima, width, statistic):
///
///     setup,minima,width,depth,statistic,pairs,estimate,stderr,bound
///
/// - `setup` relu | linear; `minima` uniform | sparse (relu, see ``TeacherStudentMinimum``) or
///   factorization (linear, see ``DeepLinearRegression/sampleMinimum(rng:)``); `depth` 2 for the
///   two-layer ReLU student, L for the deep linear network; `pairs` the number of pairs the
///   statistic averages over.
/// - `linear_connected`: fraction of pairs whose direct segment has zero loss (relu: Lemma 7;
///   linear: scan max ≤ tolerance); stderr the binomial √(p(1−p)/n).
/// - `two_piece_connected`: fraction with a center linearly connected to both (relu: exact
///   criterion; linear: a center found by ``DeepLinearCenter`` whose two segments scan below the
///   tolerance); binomial stderr; `bound` = 1 − M((M²−1)/M²)^{m−2M} for uniform relu minima, and
///   1 for linear widths m > 2L − 1 (the claimed regime), empty otherwise.
/// - `scan_agreement` (relu): fraction of pairs where Lemma 7 and the direct scan of the segment at
///   P points (zero loss ⇔ max ≤ tolerance) agree.
/// - `unconnected_min_scan_loss` (relu): over pairs that are not linearly connected, the smallest
///   max-loss on the scanned segment (how far above the tolerance the criterion's "no" sits).
/// - `center_path_max_loss`: over two-piece-connected pairs, the largest loss on A → C → B.
/// - `geodesic_ratio`: mean G = (‖A−C‖+‖C−B‖)/‖A−B‖ over two-piece-connected pairs (stderr: sd/√n);
///   `geodesic_ratio_max` its maximum. Relu: the shortest center (``TwoPieceCenter``); linear: the
///   center the search found (an upper bound on the shortest).
/// - `geodesic_ratio_lower_bound` (relu): mean of the certified lower bound on the shortest G
///   (equal to `geodesic_ratio` up to ~1e-8 unless free rows make the problem combinatorial).
/// - `distance`: mean ‖A−B‖ (stderr sd/√n).
public enum TeacherStudentExperiment {
    public enum Setup: String, Sendable, CaseIterable {
        case relu, linear
    }

    public static let columns = ["setup", "minima", "width", "depth", "statistic", "pairs", "estimate", "stderr", "bound"]

    public struct Configuration: Sendable {
        public var setup: Setup
        public var widths: [Int]
        /// M teachers (relu).
        public var teachers: Int = 4
        /// Input dimension d (relu: d ≥ M; linear: input = output dimension).
        public var dimension: Int
        /// Depth L (linear).
        public var depth: Int = 3
        public var pairs: Int
        /// Points per segment scan.
        public var points: Int = 61
        /// Center-search starts per pair (linear).
        public var restarts: Int = 3
        /// A segment "has zero loss" when its scanned max loss is at most this.
        public var tolerance: Double
        public var seed: UInt64
        public var generator: String?
        public var threads: Int

        public init(setup: Setup, widths: [Int], teachers: Int = 4, dimension: Int? = nil, depth: Int = 3,
                    pairs: Int, points: Int = 61, restarts: Int = 3, tolerance: Double? = nil,
                    seed: UInt64, generator: String? = nil, threads: Int = 1) {
            self.setup = setup
            self.widths = widths
            self.teachers = teachers
            self.dimension = dimension ?? (setup == .relu ? teachers : 2)
            self.depth = depth
            self.pairs = pairs
            self.points = points
            self.restarts = restarts
            self.tolerance = tolerance ?? (setup == .relu ? 1e-10 : 1e-16)
            self.seed = seed
            self.generator = generator
            self.threads = threads
        }

        /// Checks the configuration, throwing a one-line usage error.
        public func validate() throws {
            guard !widths.isEmpty else { throw ModeLatticeError.usage("the width list is empty") }
            guard pairs >= 1 else { throw ModeLatticeError.usage("--pairs must be at least 1 (got \(pairs))") }
            guard points >= 2 else { throw ModeLatticeError.usage("--points must be at least 2 (got \(points))") }
            switch setup {
            case .relu:
                guard teachers >= 1 else { throw ModeLatticeError.usage("--teachers must be at least 1 (got \(teachers))") }
                guard dimension >= teachers else {
                    throw ModeLatticeError.usage("--dim must be at least the number of teachers \(teachers) (got \(dimension))")
                }
                if let bad = widths.first(where: { $0 < 2 * teachers }) {
                    throw ModeLatticeError.usage("width \(bad) is below 2M = \(2 * teachers); the relu setup needs widths of at least twice the teachers")
                }
            case .linear:
                guard depth >= 2 else { throw ModeLatticeError.usage("--depth must be at least 2 (got \(depth))") }
                guard dimension >= 1 else { throw ModeLatticeError.usage("--dim must be at least 1 (got \(dimension))") }
                if let bad = widths.first(where: { $0 < dimension }) {
                    throw ModeLatticeError.usage("width \(bad) is below the dimension \(dimension); deep linear minima need width ≥ d")
                }
            }
        }
    }

    /// Runs every width and returns the table. `advance` is called once per finished pair.
    public static func run(_ config: Configuration, advance: @escaping @Sendable () -> Void = {}) throws -> Table {
        try config.validate()
        var table = Table(columns: columns)
        switch config.setup {
        case .relu:
            for kind in ["uniform", "sparse"] {
                for m in config.widths { try reluRows(config, kind: kind, width: m, advance: advance).forEach { table.append($0) } }
            }
        case .linear:
            let teacher = try linearTeacher(config)
            for m in config.widths { try linearRows(config, teacher: teacher, width: m, advance: advance).forEach { table.append($0) } }
        }
        return table
    }

    /// How the numbers were computed, for the JSON sidecar.
    public static func methodNotes(_ setup: Setup) -> [String] {
        switch setup {
        case .relu:
            return [
                "loss: closed-form population loss, x uniform on S^{d-1}, kappa(u,v) = |u||v|(sin t + (pi - t) cos t)/(2 pi d)",
                "uniform minima: rows assigned iid uniformly to teachers (redrawn until every teacher has a row), Dirichlet(1,...,1) splits per teacher",
                "sparse minima: one random row per teacher with alpha = 1, all other rows zero",
                "linear_connected: Lemma 7 criterion; scan_agreement: criterion vs max loss on the segment at P points <= tolerance",
                "geodesic_ratio: shortest center by projected gradient over feasible centers (exact for uniform minima; with free rows: best of two free-row assignments, an upper bound; geodesic_ratio_lower_bound from the pooled free-row relaxation)",
                "two_piece_connected bound: 1 - M((M^2-1)/M^2)^(m-2M), uniform minima only",
            ]
        case .linear:
            return [
                "loss: |W_L...W_1 - W*|_F^2 (x ~ N(0, I_d)); W* iid N(0, 1/d)",
                "minima: W_1..W_{L-1} iid N(0, 1/fan-in), W_L = W* Q^+ + Z(I - Q Q^+)",
                "center: Levenberg-Marquardt on the exactly integrated loss of both segments (Gauss-Legendre, L+1 nodes), from the midpoint then perturbed midpoints; a local search",
                "two_piece_connected: found center whose two segments scan at max loss <= tolerance; bound = 1 where m > 2L-1 (the claimed regime)",
                "geodesic_ratio: G of the found center (an upper bound on the shortest)",
            ]
        }
    }

    /// Total pairs the run evaluates (for a progress line).
    public static func totalPairs(_ config: Configuration) -> Int {
        config.widths.count * config.pairs * (config.setup == .relu ? 2 : 1)
    }

    // MARK: ReLU

    struct ReLUPair: Sendable {
        var linear: Bool
        var scanMax: Double
        var twoPiece: Bool
        var ratio: Double?
        var ratioLowerBound: Double?
        var centerPathMax: Double?
        var distance: Double
    }

    static func reluRows(_ config: Configuration, kind: String, width m: Int,
                         advance: @escaping @Sendable () -> Void) throws -> [[Cell]] {
        let model = ReLUTeacherStudent(teachers: config.teachers, inputDimension: config.dimension)
        let stream = "teacher-student/relu/\(kind)/M\(config.teachers)/d\(config.dimension)/m\(m)"
        let results: [ReLUPair] = try ParallelMap.map(count: config.pairs, threads: config.threads) { p in
            let rng = try RandomGenerator(algorithm: config.generator, seed: SeedSequence.derive(config.seed, stream: stream, index: p))
            let sample = kind == "uniform" ? TeacherStudentMinimum.uniform : TeacherStudentMinimum.sparse
            let a = sample(m, config.teachers, rng), b = sample(m, config.teachers, rng)
            let wa = a.weights(inputDimension: config.dimension), wb = b.weights(inputDimension: config.dimension)
            let scanMax = ParameterPath.segment(wa, wb).maxLoss(points: config.points, loss: model.loss)
            var pair = ReLUPair(linear: LinearConnectivity.isLinearlyConnected(a, b), scanMax: scanMax,
                                twoPiece: false, distance: TeacherStudentMinimum.distance(a, b))
            if let center = TwoPieceCenter.shortest(a, b) {
                pair.twoPiece = true
                pair.ratio = center.ratio
                pair.ratioLowerBound = center.lowerBound / center.distance
                let wc = center.center.weights(inputDimension: config.dimension)
                pair.centerPathMax = ParameterPath.twoPiece(wa, via: wc, wb).maxLoss(points: config.points, loss: model.loss)
            }
            advance()
            return pair
        }
        let n = results.count
        let depth = 2
        func row(_ statistic: String, _ count: Int, _ estimate: Double, _ stderr: Cell, _ bound: Cell = .empty) -> [Cell] {
            [.text("relu"), .text(kind), .int(m), .int(depth), .text(statistic), .int(count), .double(estimate), stderr, bound]
        }
        var rows: [[Cell]] = []
        let linear = SampleStatistics.proportion(results.map(\.linear))
        rows.append(row("linear_connected", n, linear.p, .double(linear.se)))
        let twoPiece = SampleStatistics.proportion(results.map(\.twoPiece))
        let bound: Cell = kind == "uniform" ? .double(LinearConnectivity.twoPieceLowerBound(rows: m, teachers: config.teachers)) : .empty
        rows.append(row("two_piece_connected", n, twoPiece.p, .double(twoPiece.se), bound))
        let agreement = SampleStatistics.proportion(results.map { $0.linear == ($0.scanMax <= config.tolerance) })
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
}
