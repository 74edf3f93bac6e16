import Connectivity
import Foundation
import NetworkCore
import Support

/// The shared-center experiment of Lin, Li & Wu (arXiv 2404.06391, Sec. 5, Table 1): K minima, one
/// star center θ̃ trained on all of them (``StarCenter``), and for every pair i < j the direct
/// segment θ_i → θ_j beside the two-piece path θ_i → θ̃ → θ_j.
///
/// Row per pair (``columns``): ‖θ_i − θ_j‖; direct barrier and minimum test accuracy; the two-piece
/// path's barrier (max training-subset loss over both segments minus the larger endpoint loss) and
/// minimum test accuracy; its length L = ‖θ_i − θ̃‖ + ‖θ̃ − θ_j‖ and G = L/‖θ_i − θ_j‖. A shared
/// center cannot make G small for many minima: max G ≥ √(2(K−1)/K) (``StarGeometry``).
/// Profiles: every sampled point of every segment, path `direct:i-j:SPLIT` (θ_i at t = 0 → θ_j),
/// `center:i:SPLIT` (θ_i → θ̃), `held-out-trained:i:SPLIT` and `held-out:k:SPLIT` (θ_k → a center
/// trained without θ_k), SPLIT = train (training subset) or test.
/// Held out (optional, a question the paper leaves open): a second center, seeded from stream
/// "held-out", is trained on minima 0..<K−1 and the last minimum's segment to it is measured.
/// Trace (``StarCheckpoint/traceColumns``): Ĵ, the center's loss, max barrier, min accuracy and
/// max G at every check, for the shared center (`shared`) and the held-out one (`held-out`).
///
/// Units: the shared center with its spokes, each direct segment, and the held-out center.
public struct ParameterStarExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// The minima, their data and the evaluation subsets.
        public var minima = MinimaConfiguration()
        /// The center optimizer and its checks.
        public var center = CenterSettings()
        /// Points per segment in the table and profiles.
        public var points = 61
        /// λ of the center objective (0: connectivity).
        public var lambda = 0.0
        /// Also train a center on minima 0..<K−1 and measure the last minimum's segment to it.
        public var heldOut = false
        /// Keep the center's parameters, for the "center" file product.
        public var saveCenter = false
        public init() {}
    }

    public static let identifier = "params_star"
    public static let revision = 1
    public static let columns = ["i", "j", "distance", "direct_barrier", "direct_min_accuracy", "center_barrier",
                                 "center_min_accuracy", "two_piece_length", "geodesic_bound"]
    public static let profileColumns = ["path", "t", "loss", "accuracy"]
    public static var extraTables: [String: [String]] { ["profiles": profileColumns, "trace": StarCheckpoint.traceColumns] }

    public init() {}

    public enum Unit: Sendable {
        case sharedCenter
        case direct(Int, Int)
        case heldOut
    }

    /// A finished unit: its profile and trace rows, and what the table needs from it.
    public struct UnitResult: Codable, Sendable {
        public var profiles: [[Cell]] = []
        public var trace: [[Cell]] = []
        /// Shared center: its spokes θ_i → θ̃ and their lengths ‖θ_i − θ̃‖.
        public var spokes: [SegmentEvaluation] = []
        public var spokeLengths: [Double] = []
        /// Direct segment and ‖θ_i − θ_j‖.
        public var direct: SegmentEvaluation?
        public var distance: Double?
        /// Centers: steps taken, whether the plateau rule stopped it, and the parameters when kept.
        public var steps = 0
        public var converged = false
        public var center: [Float]?
        /// Held out: rise and minimum accuracy of θ_{K−1} → center, and the others' mean rise.
        public var heldOutRise: Double?
        public var heldOutMinAccuracy: Double?
        public var trainedMeanRise: Double?
    }

    public func validate(_ c: Configuration) throws {
        try c.minima.validate()
        try c.center.validate()
        guard c.points >= 2 else { throw ModeLatticeError.invalid("points", "must be at least 2 (got \(c.points))") }
        guard c.lambda >= 0, c.lambda.isFinite else { throw ModeLatticeError.invalid("lambda", "must be ≥ 0 (got \(c.lambda))") }
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> TrainedMinima {
        try TrainedMinima.prepare(c.minima, settings)
    }

    public func units(_ c: Configuration, _ setup: TrainedMinima) throws -> [Unit] {
        let k = setup.minima.count
        let pairs = (0..<k).flatMap { i in ((i + 1)..<k).map { Unit.direct(i, $0) } }
        return [.sharedCenter] + pairs + (c.heldOut ? [.heldOut] : [])
    }

    static func profileRows(_ name: String, _ s: SegmentEvaluation) -> [[Cell]] {
        zip(s.t, s.points).map { [.text(name + ":train"), .double($0), .double($1.trainLoss), .double($1.trainAccuracy)] }
            + zip(s.t, s.points).map { [.text(name + ":test"), .double($0), .double($1.testLoss), .double($1.testAccuracy)] }
    }

    public func run(_ unit: Unit, index: Int, _ c: Configuration, _ setup: TrainedMinima,
                    _ settings: RunSettings) throws -> UnitResult {
        let minima = setup.minima, evaluator = setup.evaluator, k = minima.count
        var out = UnitResult()
        switch unit {
        case .direct(let i, let j):
            let s = evaluator.segment(minima[i], minima[j], points: c.points)
            out.profiles = Self.profileRows("direct:\(i)-\(j)", s)
            out.direct = s
            out.distance = ParameterPath<Float>.distance(minima[i], minima[j])
        case .sharedCenter, .heldOut:
            let held = unit == .heldOut
            // The held-out center: minima 0..<K−1, its own seed stream.
            let members = held ? Array(minima.dropLast()) : minima
            let seed = held ? SeedSequence.derive(settings.seed, stream: "held-out", index: 0) : settings.seed
            let risk = try setup.risk(c.minima, settings)
            var trace = Table(columns: StarCheckpoint.traceColumns)
            let run = try StarCenterMonitor(evaluator: evaluator, points: c.center.checkPoints)
                .run(name: held ? "held-out" : "shared", minima: members,
                     configuration: c.center.configuration(lambda: c.lambda, seed: seed, generator: settings.generator),
                     risk: { try risk($0, $1) }, trace: &trace)
            out.trace = trace.rows
            (out.steps, out.converged) = (run.steps, run.converged)
            if c.saveCenter && !held { out.center = run.center }
            let spokes = members.map { evaluator.segment($0, run.center, points: c.points) }
            if held {
                for (i, s) in spokes.enumerated() { out.profiles += Self.profileRows("held-out-trained:\(i)", s) }
                let last = evaluator.segment(minima[k - 1], run.center, points: c.points)
                out.profiles += Self.profileRows("held-out:\(k - 1)", last)
                out.heldOutRise = last.riseFromStart
                out.heldOutMinAccuracy = last.minTestAccuracy
                out.trainedMeanRise = spokes.map(\.riseFromStart).reduce(0, +) / Double(spokes.count)
            } else {
                for (i, s) in spokes.enumerated() { out.profiles += Self.profileRows("center:\(i)", s) }
                out.spokes = spokes
                out.spokeLengths = minima.map { ParameterPath<Float>.distance($0, run.center) }
            }
        }
        return out
    }

    public func products(_ results: [UnitResult], _ c: Configuration, _ setup: TrainedMinima,
                         _ settings: RunSettings) throws -> ExperimentProducts {
        let units = try self.units(c, setup)
        let shared = results[0]
        let k = setup.minima.count
        guard shared.spokes.count == k else {
            throw ModeLatticeError.data("a checkpointed unit does not belong to this star; delete the .partial.jsonl file")
        }
        var table = Table(columns: Self.columns)
        for (unit, r) in zip(units, results) {
            guard case .direct(let i, let j) = unit, let direct = r.direct, let distance = r.distance else { continue }
            let twoPiece = [shared.spokes[i], shared.spokes[j].reversed]
            // L = ‖θ_i − θ̃‖ + ‖θ̃ − θ_j‖, G = L / ‖θ_i − θ_j‖ (ParameterPath.length's order of sums).
            let length = 0 + shared.spokeLengths[i] + shared.spokeLengths[j]
            table.append([.int(i), .int(j), .double(distance),
                          .double(SegmentEvaluation.pathBarrier([direct])), .double(direct.minTestAccuracy),
                          .double(SegmentEvaluation.pathBarrier(twoPiece)), .double(SegmentEvaluation.pathMinAccuracy(twoPiece)),
                          .double(length), .double(length / distance)])
        }
        let profiles = Table(columns: Self.profileColumns, rows: results.flatMap(\.profiles))
        let trace = Table(columns: StarCheckpoint.traceColumns, rows: results.flatMap(\.trace))
        let centerPoint = shared.spokes[0].points[shared.spokes[0].points.count - 1]
        var notes = [
            "barriers: training-subset cross-entropy, max along the path minus the larger endpoint; accuracies: test set",
            "center: Adam on J(θ) = (1/K) Σ_i [E_t R(tθ+(1−t)θ_i) + λ‖θ−θ_i‖²], one minimum and \(c.center.tSamples) t per step, minibatch \(c.minima.batchSize)",
            "shared-center geometry: max G ≥ sqrt(2(K−1)/K) = \(StarGeometry.sharedCenterBound(minima: k)) for equidistant minima",
            "minima cached in \(c.minima.directory ?? "-") (a minimum is trained from its seed unless the cache holds it with that seed; the tables are the same either way)",
            "center steps taken: \(shared.steps) (plateau rule stopped it: \(shared.converged))",
            "endpoint test accuracy: " + shared.spokes.map { String(format: "%.4f", $0.points[0].testAccuracy) }.joined(separator: ","),
            "endpoint train loss: " + shared.spokes.map { String(format: "%.5f", $0.points[0].trainLoss) }.joined(separator: ","),
            "center train loss \(centerPoint.trainLoss), test accuracy \(centerPoint.testAccuracy)",
        ]
        if let h = results.last, h.heldOutRise != nil {
            notes.append("held out minimum \(k - 1): rise \(h.heldOutRise!), min accuracy \(h.heldOutMinAccuracy!), trained minima's mean rise \(h.trainedMeanRise!) (center steps \(h.steps))")
        }
        var files: [String: [UInt8]] = [:]
        if let center = shared.center {
            var model = setup.template
            model.parameters = center
            files["center"] = ModelFile.encode(model, metadata: ["kind": "star-center", "lambda": String(c.lambda)]).encoded()
        }
        return ExperimentProducts(tables: [ExperimentProducts.mainRole: table, "profiles": profiles, "trace": trace],
                                  files: files, notes: notes)
    }
}

extension ParameterStarExperiment.Unit: Equatable {}
