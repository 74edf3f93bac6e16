import Foundation
import Testing
import TestSupport
@testable import Connectivity
import NetworkCore
import Support

/// Star centers and geodesic bounds (Lin, Li & Wu, arXiv 2404.06391): the shared-center simplex
/// bound, the stochastic center on a convex problem, and on a small trained MLP.
@Suite struct StarTests {
    /// K vertices of a regular simplex with pairwise distance `d`: (d/√2)·e_i in R^K.
    static func simplex(_ k: Int, distance d: Double) -> [[Double]] {
        (0..<k).map { i in (0..<k).map { $0 == i ? d / 2.squareRoot() : 0 } }
    }

    @Test func simplexBoundValues() {
        #expect(StarGeometry.sharedCenterBound(minima: 2) == 1)
        #expect(abs(StarGeometry.sharedCenterBound(minima: 3) - (4.0 / 3).squareRoot()) < 1e-15)
        #expect(abs(StarGeometry.sharedCenterBound(minima: 5) - 1.2649110640673518) < 1e-15)
        // The centroid is at the circumradius and attains the bound exactly.
        for k in 2...8 {
            let pts = Self.simplex(k, distance: 3)
            let centroid = (0..<k).map { j in pts.reduce(0) { $0 + $1[j] } / Double(k) }
            #expect(abs(ParameterPath<Double>.distance(pts[0], centroid) - StarGeometry.circumradius(minima: k, pairwiseDistance: 3)) < 1e-12)
            #expect(abs(StarGeometry.maxRatio(points: pts, center: centroid) - StarGeometry.sharedCenterBound(minima: k)) < 1e-12)
        }
    }

    /// No common center beats √(2(K−1)/K): random centers, and centers optimized by subgradient
    /// descent on max G (from random starts, in the simplex's span and outside it).
    @Test func optimizedCentersCannotBeatSimplexBound() throws {
        let k = 5, dim = 7
        let rng = try RandomGenerator(algorithm: "mt19937", seed: 11)
        let pts = Self.simplex(k, distance: 2).map { $0 + [Double](repeating: 0, count: dim - k) }
        let bound = StarGeometry.sharedCenterBound(minima: k)
        var best = Double.infinity
        for _ in 0..<2000 {
            let c = (0..<dim).map { _ in 0.6 * rng.gaussian() }
            best = min(best, StarGeometry.maxRatio(points: pts, center: c))
        }
        for _ in 0..<10 {
            var c = (0..<dim).map { _ in rng.gaussian() }
            for step in 0..<3000 {
                // Subgradient of the worst pair's length ‖p_i − c‖ + ‖c − p_j‖.
                var worst = (0, 1, -1.0)
                for i in 0..<k { for j in (i + 1)..<k {
                    let g = (ParameterPath<Double>.distance(pts[i], c) + ParameterPath<Double>.distance(c, pts[j]))
                    if g > worst.2 { worst = (i, j, g) }
                } }
                let a = pts[worst.0], b = pts[worst.1]
                let da = ParameterPath<Double>.distance(a, c), db = ParameterPath<Double>.distance(c, b)
                let eta = 0.05 / (1 + Double(step) / 100)
                c = (0..<dim).map { c[$0] - eta * ((c[$0] - a[$0]) / max(da, 1e-12) + (c[$0] - b[$0]) / max(db, 1e-12)) }
                best = min(best, StarGeometry.maxRatio(points: pts, center: c))
            }
        }
        #expect(best >= bound - 1e-9, "found max G \(best) below the bound \(bound)")
        #expect(best <= bound + 0.02, "the optimizer should get close to the bound (got \(best))")
    }

    /// The stochastic star center with λ > 0 and R ≡ 0 is the mean of the minima: for simplex
    /// vertices it lands on the centroid, where max G equals the bound (and not below it).
    @Test func starCenterOnSimplexReachesButNotBeatsBound() throws {
        let pts = Self.simplex(5, distance: 2).map { $0.map(Float.init) }
        let config = StarCenterConfiguration(steps: 20000, learningRate: 1e-3, lambda: 1, start: .first, seed: 3)
        let c = try StarCenter.optimize(minima: pts, configuration: config) { theta, _ in
            (0, [Float](repeating: 0, count: theta.count))
        }
        let g = StarGeometry.maxRatio(points: pts, center: c)
        let bound = StarGeometry.sharedCenterBound(minima: 5)
        #expect(g >= bound - 1e-6)
        #expect(g <= bound + 3e-2, "G \(g)")   // Adam jitter from one sampled minimum per step
    }

    /// Convex problem (least squares with more unknowns than equations): two minima, a per-pair
    /// center trained by the stochastic objective with λ > 0 from a point far off the minima set
    /// ends at the midpoint — G = 1 and no barrier.
    @Test func convexProblemGivesGOneAndNoBarrier() throws {
        let g = try RandomGenerator(algorithm: "mt19937", seed: 5)
        let n = 4, p = 10
        let x = (0..<(n * p)).map { _ in Float(g.gaussian()) }   // [n, p]
        let y = (0..<n).map { _ in Float(g.gaussian()) }         // [n]
        func residual(_ t: [Float]) -> [Float] {
            (0..<n).map { i in (0..<p).reduce(-y[i]) { $0 + x[i * p + $1] * t[$1] } }
        }
        func loss(_ t: [Float]) -> Double { Double(residual(t).reduce(0) { $0 + $1 * $1 }) / Double(n) }
        func gradient(_ t: [Float]) -> [Float] {
            let r = residual(t)
            return (0..<p).map { k in (0..<n).reduce(0) { $0 + 2 * x[$1 * p + k] * r[$1] } / Float(n) }
        }
        // Minima by gradient descent from two random starts (each lands on the affine minima set).
        func minimize(_ start: [Float]) -> [Float] {
            var t = start
            for _ in 0..<20000 { let gr = gradient(t); t = (0..<p).map { t[$0] - 0.02 * gr[$0] } }
            return t
        }
        let a = minimize((0..<p).map { _ in Float(g.gaussian()) })
        let b = minimize((0..<p).map { _ in Float(g.gaussian()) })
        #expect(loss(a) < 1e-9 && loss(b) < 1e-9)
        #expect(ParameterPath.segment(a, b).barrier(points: 61, loss: loss) <= 1e-7)
        let start = (0..<p).map { 0.5 * (a[$0] + b[$0]) + 2 * Float(g.gaussian()) }
        #expect(ParameterPath.twoPiece(a, via: start, b).lengthRatio > 1.3)
        let config = StarCenterConfiguration(steps: 30000, learningRate: 3e-3, lambda: 0.05, seed: 7)
        let c = try StarCenter.optimize(minima: [a, b], configuration: config, initial: start) { t, _ in (loss(t), gradient(t)) }
        let path = ParameterPath.twoPiece(a, via: c, b)
        #expect(abs(path.lengthRatio - 1) < 2e-3, "G = \(path.lengthRatio)")
        #expect(path.barrier(points: 61, loss: loss) < 1e-4)
    }

    /// Softmax regression (a single linear layer) has a convex loss: two independently trained
    /// minima are joined by a straight segment without barrier, measured by StarPathEvaluator.
    @Test func softmaxRegressionHasNoDirectBarrier() throws {
        let train = try GaussianMixture.make(classes: 4, shape: [12], count: 400, sigma: 1.5, seed: 2)
        let test = try GaussianMixture.make(classes: 4, shape: [12], count: 200, sigma: 1.5, seed: 2, split: 1)
        let nets = try MinimaTraining.minima(spec: "mlp:12-4", count: 2, train: train,
                                             training: TrainingConfiguration(epochs: 5, batchSize: 32, learningRate: 5e-2, seed: 4), directory: nil)
        #expect(nets[0].parameters != nets[1].parameters)
        let evaluator = StarPathEvaluator(template: nets[0], train: train, test: test)
        let s = evaluator.segment(nets[0].parameters, nets[1].parameters, points: 21)
        #expect(SegmentEvaluation.pathBarrier([s]) <= 1e-6)
    }

    /// Path barrier of a two-piece path and the rise of one spoke, on hand-made profiles.
    @Test func pathBarrierAndRiseOnKnownProfiles() {
        func seg(_ losses: [Double]) -> SegmentEvaluation {
            SegmentEvaluation(t: losses.indices.map { Double($0) / Double(losses.count - 1) },
                              points: losses.map { PathPoint(trainLoss: $0, trainAccuracy: 1 - $0, testLoss: $0, testAccuracy: 1 - $0 / 2) })
        }
        let a = seg([0.2, 0.25, 0.5]), b = seg([0.5, 0.3, 0.3])
        #expect(abs(SegmentEvaluation.pathBarrier([a, b]) - 0.2) < 1e-15)     // 0.5 − max(0.2, 0.3)
        #expect(SegmentEvaluation.pathBarrier([a]) == 0)                        // peak at its own end
        #expect(abs(a.riseFromStart - 0.3) < 1e-15)
        #expect(SegmentEvaluation.pathMinAccuracy([a, b]) == 0.75)
        #expect(a.reversed.points.map(\.trainLoss) == [0.5, 0.25, 0.2])
    }

    /// The plateau rule on a scripted objective: checks at 0, every `checkEvery` steps and the last
    /// step; the run stops once `patience` checks in a row fail to beat the best Ĵ by τ·Ĵ_best.
    @Test func plateauRuleStopsOnScriptedObjective() throws {
        let minima: [[Float]] = [[0, 0], [1, 1]]
        let zero: StarCenterRisk = { theta, _ in (0, [Float](repeating: 0, count: theta.count)) }
        func scripted(_ values: [Double]) -> ([Float]) throws -> Double {
            var k = 0
            return { _ in defer { k += 1 }; return values[min(k, values.count - 1)] }
        }
        // 1 → 0.5 improves; 0.4995 and 0.4990 are within 1 % of 0.5: stale twice → stop at step 30.
        var config = StarCenterConfiguration(steps: 100, seed: 1, checkEvery: 10, tolerance: 1e-2, patience: 2)
        let stopped = try StarCenter.run(minima: minima, configuration: config, risk: zero,
                                         objective: scripted([1, 0.5, 0.4995, 0.4990, 0.1]))
        #expect(stopped.steps == 30 && stopped.converged)
        #expect(stopped.checks.map(\.step) == [0, 10, 20, 30])
        #expect(stopped.checks.map(\.objective) == [1, 0.5, 0.4995, 0.4990])
        #expect(stopped.checks[0].sampledRisk.isNaN && stopped.checks[1].sampledRisk == 0)
        // A real improvement resets the count: 0.5, 0.499 (stale 1), 0.4 (reset), 0.399, 0.398 → stop at 50.
        let reset = try StarCenter.run(minima: minima, configuration: config, risk: zero,
                                       objective: scripted([1, 0.5, 0.499, 0.4, 0.399, 0.398, 0.1]))
        #expect(reset.steps == 50 && reset.converged)
        // Tolerance 0 never stops early; a cap that is not a multiple still gets a final check.
        config.tolerance = 0
        config.steps = 25
        let full = try StarCenter.run(minima: minima, configuration: config, risk: zero, objective: scripted([1, 1, 1, 1]))
        #expect(full.steps == 25 && !full.converged)
        #expect(full.checks.map(\.step) == [0, 10, 20, 25])
        // Without checks there is no trace, and a tolerance needs both a check interval and an objective.
        config.checkEvery = 0
        #expect(try StarCenter.run(minima: minima, configuration: config, risk: zero, objective: scripted([1])).checks.isEmpty)
        config.tolerance = 1e-3
        #expect(throws: ModeLatticeError.self) { try config.validate() }
        config.checkEvery = 10
        #expect(throws: ModeLatticeError.self) { _ = try StarCenter.run(minima: minima, configuration: config, risk: zero) }
    }

    /// Minima are saved, reused on a rerun (bit-identical, not retrained), and a file trained
    /// differently is rejected as a data error.
    @Test func minimaResumeAndIncompatibleFiles() throws {
        let dir = try TemporaryDirectory.make("star-minima")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = try GaussianMixture.make(classes: 3, shape: [6], count: 90, sigma: 1, seed: 1)
        let config = TrainingConfiguration(epochs: 2, batchSize: 16, seed: 6)
        var reused: [Bool] = []
        let first = try MinimaTraining.minima(spec: "mlp:6-5-3", count: 2, train: train, training: config, directory: dir,
                                              onMinimum: { reused.append($1) })
        let again = try MinimaTraining.minima(spec: "mlp:6-5-3", count: 3, train: train, training: config, directory: dir,
                                              onMinimum: { reused.append($1) })
        #expect(reused == [false, false, true, true, false])
        #expect(first[0].parameters == again[0].parameters && first[1].parameters == again[1].parameters)
        var other = config
        other.epochs = 3
        #expect(throws: ModeLatticeError.self) {
            _ = try MinimaTraining.minima(spec: "mlp:6-5-3", count: 1, train: train, training: other, directory: dir)
        }
        do {
            _ = try MinimaTraining.minima(spec: "mlp:6-7-3", count: 1, train: train, training: config, directory: dir)
            Issue.record("a file of another spec was accepted")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .data)
        }
    }
}
