import Support

/// A candidate star center measured at a checkpoint of its optimization: the objective estimate
/// Ĵ that the plateau rule of ``StarCenterConfiguration`` watches, and the path statistics a
/// reader wants to see evolve with the steps (Lin, Li & Wu, arXiv 2404.06391, Sec. 4–5).
///
/// Each spoke θ_i → θ̃ is sampled at Q evenly spaced t on the evaluator's fixed training subset, and
///
///     Ĵ(θ̃) = (1/K) Σ_i [ trapezoid mean_t R(tθ̃ + (1−t)θ_i) + λ‖θ̃ − θ_i‖² ],
///
/// the deterministic counterpart of the stochastic J the center descends. The statistics over
/// pairs i < j use the same spokes: barrier of θ_i → θ̃ → θ_j (peak training loss on either spoke
/// minus the larger endpoint loss), minimum test accuracy, and G_ij.
public struct StarCheckpoint: Sendable, Equatable {
    public static let traceColumns = ["center", "lambda", "step", "sampled_risk", "objective", "center_train_loss",
                                      "center_test_accuracy", "max_barrier", "min_accuracy", "max_geodesic_bound", "converged"]

    public var objective: Double
    public var centerTrainLoss: Double
    public var centerTestAccuracy: Double
    /// max over pairs of the two-piece barrier through the center.
    public var maxBarrier: Double
    /// min over spokes of the test accuracy.
    public var minAccuracy: Double
    /// max over pairs of G_ij (1 for K = 1).
    public var maxGeodesicBound: Double

    /// Measures `center` against `minima` (K ≥ 1 vectors [P]) with Q = `points` ≥ 2 per spoke.
    public static func measure(evaluator: StarPathEvaluator, minima: [[Float]], center: [Float], lambda: Double,
                               points: Int) -> StarCheckpoint {
        let spokes = minima.map { evaluator.segment($0, center, points: points) }
        var objective = 0.0
        for (m, s) in zip(minima, spokes) {
            let loss = s.points.map(\.trainLoss)
            let trapezoid = (loss.reduce(0, +) - 0.5 * (loss[0] + loss[loss.count - 1])) / Double(loss.count - 1)
            let d = ParameterPath<Float>.distance(m, center)
            objective += trapezoid + lambda * d * d
        }
        objective /= Double(minima.count)
        let peaks = spokes.map { $0.points.map(\.trainLoss).max() ?? .nan }
        let ends = spokes.map { $0.points[0].trainLoss }
        var barrier = 0.0
        for i in minima.indices {
            for j in minima.indices where j > i {
                barrier = max(barrier, max(peaks[i], peaks[j]) - max(ends[i], ends[j]))
            }
        }
        let last = spokes[0].points[spokes[0].points.count - 1]
        return StarCheckpoint(objective: objective, centerTrainLoss: last.trainLoss, centerTestAccuracy: last.testAccuracy,
                              maxBarrier: barrier, minAccuracy: SegmentEvaluation.pathMinAccuracy(spokes),
                              maxGeodesicBound: minima.count > 1 ? StarGeometry.maxRatio(points: minima, center: center) : 1)
    }

    /// One trace row (``traceColumns``) for center `name` after a check.
    public func traceRow(center name: String, lambda: Double, check: StarCenterCheck, converged: Bool) -> [Cell] {
        [.text(name), .double(lambda), .int(check.step), .double(check.sampledRisk), .double(objective), .double(centerTrainLoss),
         .double(centerTestAccuracy), .double(maxBarrier), .double(minAccuracy), .double(maxGeodesicBound), .int(converged ? 1 : 0)]
    }
}

/// Runs one center with checkpoints measured by ``StarCheckpoint`` and collects its trace rows.
public struct StarCenterMonitor {
    public var evaluator: StarPathEvaluator
    /// Points per spoke at a check (Q).
    public var points: Int

    public init(evaluator: StarPathEvaluator, points: Int = 11) {
        self.evaluator = evaluator
        self.points = points
    }

    /// The center of `minima` under `configuration`; trace rows (``StarCheckpoint/traceColumns``)
    /// named `name` are appended to `trace` when the configuration checks (checkEvery > 0).
    public func run(name: String, minima: [[Float]], configuration: StarCenterConfiguration,
                    risk: StarCenterRisk, trace: inout Table,
                    onStep: (Int, Double) -> Void = { _, _ in }) throws -> StarCenterRun {
        guard points >= 2 else { throw ModeLatticeError.usage("check points per spoke must be ≥ 2 (got \(points))") }
        var measured: StarCheckpoint?
        var rows: [(StarCheckpoint, StarCenterCheck)] = []
        let objective: (([Float]) throws -> Double)? = configuration.checkEvery > 0 ? { theta in
            let m = StarCheckpoint.measure(evaluator: evaluator, minima: minima, center: theta, lambda: configuration.lambda,
                                           points: points)
            measured = m
            return m.objective
        } : nil
        let run = try StarCenter.run(minima: minima, configuration: configuration, risk: risk, objective: objective,
                                     onStep: onStep, onCheck: { check in if let m = measured { rows.append((m, check)) } })
        for (k, (m, check)) in rows.enumerated() {
            trace.append(m.traceRow(center: name, lambda: configuration.lambda, check: check,
                                    converged: run.converged && k == rows.count - 1))
        }
        return run
    }
}
