import Support

/// The shared-center experiment of Lin, Li & Wu (arXiv 2404.06391, Sec. 5, Table 1): K minima,
/// one star center θ̃ trained on all of them (``StarCenter``), and for every pair i < j the direct
/// segment θ_i → θ_j beside the two-piece path θ_i → θ̃ → θ_j.
///
/// Row per pair (``columns``): ‖θ_i − θ_j‖; direct barrier and minimum test accuracy; the two-piece
/// path's barrier (max training-subset loss over both segments minus the larger endpoint loss) and
/// minimum test accuracy; its length ‖θ_i − θ̃‖ + ‖θ̃ − θ_j‖ and G = length/distance. Profiles
/// (``profileColumns``): every sampled point of every segment, path named
/// `direct:i-j:SPLIT` (θ_i at t = 0 → θ_j), `center:i:SPLIT` (θ_i → θ̃) or `held-out:k:SPLIT`
/// (θ_k → a center trained without θ_k), SPLIT = train (training subset) or test.
/// Held out (optional, a question the paper leaves open): a second center is trained on minima
/// 0..<K−1 and the segment from the last minimum to it is measured.
/// Trace (``StarCheckpoint/traceColumns``): with a check interval in the center configuration,
/// Ĵ, the center's loss, max barrier, min accuracy and max G at every check, for the shared center
/// (`shared`) and the held-out one (`held-out`); the plateau rule stops each run on its own Ĵ.
public enum StarExperiment {
    public static let columns = ["i", "j", "distance", "direct_barrier", "direct_min_accuracy", "center_barrier",
                                 "center_min_accuracy", "two_piece_length", "geodesic_bound"]
    public static let profileColumns = ["path", "t", "loss", "accuracy"]

    public struct HeldOut: Sendable {
        public var minimum: Int
        /// Rise (max training loss along θ_k → center minus L(θ_k), ``SegmentEvaluation/riseFromStart``)
        /// and minimum test accuracy of θ_k → (center of the others).
        public var rise: Double
        public var minAccuracy: Double
        /// The same rise for the others' own segments to that center (mean).
        public var trainedMeanRise: Double
    }

    public struct Result: Sendable {
        public var table: Table
        public var profiles: Table
        public var center: [Float]
        /// Test accuracy of each minimum [K].
        public var endpointAccuracy: [Double]
        /// Training-subset loss of each minimum [K] and at the center.
        public var endpointLoss: [Double]
        public var centerPoint: PathPoint
        public var heldOut: HeldOut?
        /// Steps the shared center took, and whether the plateau rule stopped it before the cap.
        public var centerSteps: Int
        public var centerConverged: Bool
        /// Checkpoint rows (empty without checks).
        public var trace: Table
    }

    public typealias Risk = ([Float], Int) throws -> (loss: Double, gradient: [Float])

    /// Number of segment points evaluated (for progress).
    public static func evaluationCount(minima k: Int, points: Int, heldOut: Bool) -> Int {
        (k * (k - 1) / 2 + k + (heldOut ? k : 0)) * points
    }

    public static func run(minima: [[Float]], evaluator: StarPathEvaluator, center configuration: StarCenterConfiguration,
                           points: Int, heldOut: Bool, risk: Risk, checkPoints: Int = 11,
                           onCenterStep: (Int, Double) -> Void = { _, _ in }, onPoint: () -> Void = {}) throws -> Result {
        let k = minima.count
        guard k >= 2 else { throw ModeLatticeError.usage("a star needs at least 2 minima (got \(k))") }
        guard points >= 2 else { throw ModeLatticeError.usage("points per segment must be ≥ 2 (got \(points))") }
        let monitor = StarCenterMonitor(evaluator: evaluator, points: checkPoints)
        var trace = Table(columns: StarCheckpoint.traceColumns)
        let run = try monitor.run(name: "shared", minima: minima, configuration: configuration, risk: risk, trace: &trace,
                                  onStep: onCenterStep)
        let center = run.center
        var profiles = Table(columns: profileColumns)
        func record(_ name: String, _ s: SegmentEvaluation) {
            for (t, p) in zip(s.t, s.points) {
                profiles.append([.text(name + ":train"), .double(t), .double(p.trainLoss), .double(p.trainAccuracy)])
            }
            for (t, p) in zip(s.t, s.points) {
                profiles.append([.text(name + ":test"), .double(t), .double(p.testLoss), .double(p.testAccuracy)])
            }
        }
        var spokes: [SegmentEvaluation] = []
        for i in 0..<k {
            let s = evaluator.segment(minima[i], center, points: points, onPoint: onPoint)
            record("center:\(i)", s)
            spokes.append(s)
        }
        var table = Table(columns: columns)
        for i in 0..<k {
            for j in (i + 1)..<k {
                let direct = evaluator.segment(minima[i], minima[j], points: points, onPoint: onPoint)
                record("direct:\(i)-\(j)", direct)
                let path = ParameterPath.twoPiece(minima[i], via: center, minima[j])
                let twoPiece = [spokes[i], spokes[j].reversed]
                table.append([.int(i), .int(j), .double(ParameterPath<Float>.distance(minima[i], minima[j])),
                              .double(SegmentEvaluation.pathBarrier([direct])), .double(direct.minTestAccuracy),
                              .double(SegmentEvaluation.pathBarrier(twoPiece)), .double(SegmentEvaluation.pathMinAccuracy(twoPiece)),
                              .double(path.length), .double(path.lengthRatio)])
            }
        }
        var held: HeldOut?
        if heldOut {
            var c = configuration
            c.seed = SeedSequence.derive(configuration.seed, stream: "held-out", index: 0)
            let others = Array(minima.dropLast())
            let otherCenter = try monitor.run(name: "held-out", minima: others, configuration: c, risk: risk, trace: &trace).center
            var barriers: [Double] = []
            for (i, m) in others.enumerated() {
                let s = evaluator.segment(m, otherCenter, points: points, onPoint: onPoint)
                record("held-out-trained:\(i)", s)
                barriers.append(s.riseFromStart)
            }
            let s = evaluator.segment(minima[k - 1], otherCenter, points: points, onPoint: onPoint)
            record("held-out:\(k - 1)", s)
            held = HeldOut(minimum: k - 1, rise: s.riseFromStart, minAccuracy: s.minTestAccuracy,
                           trainedMeanRise: barriers.reduce(0, +) / Double(barriers.count))
        }
        return Result(table: table, profiles: profiles, center: center,
                      endpointAccuracy: spokes.map { $0.points[0].testAccuracy },
                      endpointLoss: spokes.map { $0.points[0].trainLoss },
                      centerPoint: spokes[0].points[spokes[0].points.count - 1], heldOut: held,
                      centerSteps: run.steps, centerConverged: run.converged, trace: trace)
    }
}
