@testable import Connectivity
import Foundation
import NetworkCore
import Percolation
import Support
import Testing

/// An InputClassifier that hides the network's type, so growth takes the full-forward path.
private struct Opaque: InputClassifier {
    let inner: NetworkClassifier
    var inputShape: [Int] { inner.inputShape }
    var classCount: Int { inner.classCount }
    func logits(_ inputs: [Float], count: Int) throws -> [Float] { try inner.logits(inputs, count: count) }
    func crossEntropyWithInputGradient(_ inputs: [Float], targets: [Int]) throws -> (losses: [Float], gradients: [Float]) {
        try inner.crossEntropyWithInputGradient(inputs, targets: targets)
    }
}

@Suite struct FullLatticeGrowthTests {
    /// The target: iid growth on Z^784 at λ = (2n − 1)P = 0.5, 1.5, 2, 4, 400 trials, cap
    /// 1000, against the Galton–Watson survival to size 1000 (exact): within 3 binomial standard
    /// errors of the theory (at λ = 0.5 the theory is < 10^-30, so no trial may survive).
    @Test func iidGrowthSurvivesLikeTheBranchingProcess() throws {
        let n = 784, trials = 400, cap = 1000
        for lambda in [0.5, 1.5, 2.0, 4.0] {
            let p = lambda / Double(2 * n - 1)
            let theory = try BranchingProcess(dimension: n, p: p).survival(toSize: cap)
            let runs = try ParallelMap.map(count: trials, threads: 2) { t in
                try AnchorClusterGrowth(dimension: n, rule: .iid(p), cap: cap,
                                        seed: SeedSequence.derive(18, stream: "iid-target-\(lambda)", index: t)).run(classifier: nil)
            }
            let survival = Double(runs.filter(\.survived).count) / Double(trials)
            let se = (theory * (1 - theory) / Double(trials)).squareRoot()
            #expect(abs(survival - theory) <= 3 * se, "λ = \(lambda): growth \(survival), branching process \(theory) ± \(se)")
            // Sizes are exact: a survivor stops at the cap, a dead cluster below it.
            #expect(runs.allSatisfy { $0.survived == ($0.clusterSize == cap) && $0.clusterSize <= cap && $0.tiedShare == 0 })
            // The measured open fraction over ~10^7 coins is P within 5 standard errors.
            let decided = runs.reduce(0) { $0 + $1.evaluations }, open = runs.reduce(0.0) { $0 + ($1.openFraction ?? 0) * Double($1.evaluations) }
            #expect(abs(open / Double(decided) - p) < 5 * (p / Double(decided)).squareRoot())
        }
    }

    @Test func iidGenerationsAddUpAndTheAnchorIsOpen() throws {
        let r = try AnchorClusterGrowth(dimension: 50, rule: .iid(0.05), cap: 300, seed: 3).run(classifier: nil)
        #expect(r.generations[0] == .init(generation: 0, shellSize: 1, sitesEvaluated: 0, openSites: 1))
        #expect(r.generations.reduce(0) { $0 + $1.shellSize } == r.clusterSize)
        #expect(r.generations.reduce(0) { $0 + $1.sitesEvaluated } == r.evaluations)
        #expect(r.generations[1].sitesEvaluated == 100)
        // Generation g sits at L1 distance ≤ g, so the radius is at most the last generation.
        #expect(r.radius >= 1 && r.radius <= r.generations.count - 1)
        // The same seed gives the same cluster; another seed another one.
        #expect(try AnchorClusterGrowth(dimension: 50, rule: .iid(0.05), cap: 300, seed: 3).run(classifier: nil) == r)
        #expect(try AnchorClusterGrowth(dimension: 50, rule: .iid(0.05), cap: 300, seed: 4).run(classifier: nil) != r)
    }

    /// The first shell under shell-quantile:q has exactly k = ⌊q·2n + ½⌋ open sites, whatever the
    /// network; the algebraic first layer and the full forward pass grow the same cluster; and
    /// the thread count changes nothing.
    @Test func shellQuantileAffineAndFullPathsAgree() throws {
        let net = try randomMLP("mlp:30-24-24-5", seed: 9)
        let anchor = try gaussianVector(30, seed: 10)
        let c = try net.predictions(anchor, count: 1)[0]
        let growth = try AnchorClusterGrowth(anchor: anchor, spacing: 0.3, rule: .shellQuantile(0.1), target: c, cap: 400)
        let affine = try growth.run(classifier: net)
        #expect(affine.generations[1].sitesEvaluated == 60 && affine.generations[1].openSites == 6)
        #expect(affine.threshold != nil && affine.evaluations > 60)
        // Same cluster; τ differs by Float rounding of the first layer only.
        var full = try growth.run(classifier: Opaque(inner: net))
        #expect(abs(full.threshold! - affine.threshold!) <= 1e-6 * abs(affine.threshold!))
        full.threshold = affine.threshold
        #expect(full == affine)
        var threaded = growth
        threaded.threads = 2
        #expect(try threaded.run(classifier: net) == affine)
        #expect(NeighbourLogits(classifier: net, anchor: anchor, spacing: 0.3, threads: 1).isAffine)
        #expect(!NeighbourLogits(classifier: Opaque(inner: net), anchor: anchor, spacing: 0.3, threads: 1).isAffine)
    }

    /// Neighbour batches of more than one chunk (2n = 300 moves, chunks of 256 rows) spread over
    /// two threads: the same cluster as on one thread, on the algebraic and the full-forward path.
    /// (With n = 30 above, a batch is one chunk and runs on one thread whatever `threads` says.)
    @Test func neighbourChunksOnTwoThreadsGrowTheSameCluster() throws {
        let net = try randomMLP("mlp:150-16-4", seed: 11)
        let anchor = try gaussianVector(150, seed: 12)
        let c = try net.predictions(anchor, count: 1)[0]
        var growth = try AnchorClusterGrowth(anchor: anchor, spacing: 0.3, rule: .shellQuantile(0.1), target: c, cap: 60)
        let affine = try growth.run(classifier: net)
        let full = try growth.run(classifier: Opaque(inner: net))
        #expect(affine.generations[1].sitesEvaluated == 300 && affine.evaluations > 300)
        growth.threads = 2
        #expect(try growth.run(classifier: net) == affine)
        #expect(try growth.run(classifier: Opaque(inner: net)) == full)
    }

    /// Neighbour logits by the algebraic first layer against full forwards, two steps out.
    @Test func affineNeighbourLogitsMatchFullForwards() throws {
        let net = try randomMLP("mlp:40-32-6", seed: 2)
        let anchor = try gaussianVector(40, seed: 3)
        let scorer = NeighbourLogits(classifier: net, anchor: anchor, spacing: 0.7, threads: 1)
        scorer.adopt(parent: 0, move: GrowthMove(axis: 5, step: -1))           // site 1 = a − h e_5
        let site = LatticeDisplacement().moved(axis: 5, by: -1)!
        let moves = [GrowthMove(axis: 5, step: -1), GrowthMove(axis: 0, step: 1), GrowthMove(axis: 39, step: -1)]
        let z = try scorer.logits(parent: 1, parentSite: site, moves: moves)
        var inputs: [Float] = []
        for m in moves {
            var x = anchor
            x[5] = Float(Double(anchor[5]) - 0.7)
            x[m.axis] = Float(Double(x[m.axis]) + 0.7 * Double(m.step))
            inputs += x
        }
        let direct = try net.logits(inputs, count: 3)
        for i in z.indices { #expect(abs(z[i] - direct[i]) <= 1e-5 * max(1, abs(direct[i]))) }
    }

    @Test func scoresDoNotSaturateAndRulesParse() throws {
        // A margin of 60 logits: Float CE is exactly 0, the Double form keeps e^-60.
        let z: [Float] = [60, 0, -1]
        let s = z.withUnsafeBufferPointer { TargetScore($0, target: 0) }
        #expect(s.loss > 0 && abs(s.loss / (exp(-60.0) + exp(-61.0)) - 1) < 1e-12 && s.predicted == 0 && !s.classTie)
        let tie: [Float] = [2, 2, 0]
        #expect(tie.withUnsafeBufferPointer { TargetScore($0, target: 1) }.classTie)
        #expect(try GrowthOpenRule(parsing: "shell-quantile:0.25") == .shellQuantile(0.25))
        #expect(try GrowthOpenRule(parsing: "iid:0.001") == .iid(0.001))
        for bad in ["iid:0", "iid:1", "shell-quantile:1.5", "shell-quantile:0", "quantile:0.1", "loss:0", "median"] {
            #expect(throws: ModeLatticeError.self) { try GrowthOpenRule(parsing: bad) }
        }
        #expect(throws: ModeLatticeError.self) { try AnchorClusterGrowth(dimension: 10, rule: .iid(0.1), cap: 0, seed: 1) }
        #expect(throws: ModeLatticeError.self) { try AnchorClusterGrowth(anchor: [0, 0], spacing: 1, rule: .predictedClass, target: 0, cap: 10).run(classifier: nil) }
    }

    @Test func siteKeysAreLinearAndTheSetRemembers() {
        let keys = SiteKeys(axes: 100)
        let site = LatticeDisplacement().moved(axis: 7, by: 1)!.moved(axis: 99, by: -1)!.moved(axis: 7, by: 1)!
        let key = keys.neighbour(of: keys.neighbour(of: keys.neighbour(of: 0, axis: 7, step: 1), axis: 99, step: -1), axis: 7, step: 1)
        #expect(keys.key(site) == key)
        var set = SiteKeySet(expected: 4)
        let first = set.insert(0), again = set.insert(0)
        #expect(first && !again)
        var fresh = 0
        for i in 1...10_000 where set.insert(UInt64(i) &* 0x9E37_79B9_7F4A_7C15) { fresh += 1 }
        #expect(fresh == 10_000)
        #expect(set.count == 10_001 && set.contains(77 &* 0x9E37_79B9_7F4A_7C15) && !set.contains(12345))
    }
}

@Suite struct AxisCorrelationTests {
    @Test func crossingIsInterpolatedAndExactSequencesGiveExactC() {
        let c = (0...8).map { pow(0.8, Double($0)) }
        let xi = AxisCorrelation(c: c, groups: 1).length!
        let c4: Double = pow(0.8, 4), c5: Double = pow(0.8, 5), level: Double = exp(-1)
        let expected: Double = 4 + (c4 - level) / (c4 - c5)
        #expect(abs(xi - expected) < 1e-12)
        #expect(AxisCorrelation(c: [1, 0.9, 0.8], groups: 1).length == nil)
        // An alternating line: mean 0, variance 1, C(r) = (−1)^r exactly.
        let alt = (0..<10).map { $0 % 2 == 0 ? 1.0 : -1.0 }
        let r = AxisCorrelation.estimate(lines: [alt], groups: [0], maxLag: 3)
        #expect(r.c == [1, -1, 1, -1] && r.groups == 1)
        // A constant group has no variance and is left out.
        #expect(AxisCorrelation.estimate(lines: [[2, 2, 2]], groups: [0], maxLag: 1).groups == 0)
    }

    @Test func gridLinesCoverEveryAxis() {
        let values = (0..<27).map(Double.init)                 // [3, 3, 3]: value = index
        let lines = AxisCorrelation.gridLines(values, dimension: 3, side: 3)
        #expect(lines.count == 27)
        #expect(lines.contains([0, 1, 2]) && lines.contains([0, 3, 6]) && lines.contains([0, 9, 18]))
    }

    /// AR(1) lines x_{t+1} = ρ x_t + √(1−ρ²) ε (GSL gaussians) have C(r) = ρ^r: 200 lines of 400
    /// in groups of 20; the estimate is within 0.03 (≈ 5 standard errors) for r ≤ 4.
    @Test func autoregressiveLinesRecoverTheirCorrelation() throws {
        let rng = try RandomGenerator(seed: 7), rho = 0.8
        var lines: [[Double]] = [], groups: [Int] = []
        for i in 0..<200 {
            var x = rng.gaussian(), line: [Double] = []
            for _ in 0..<400 { line.append(x); x = rho * x + (1 - rho * rho).squareRoot() * rng.gaussian() }
            lines.append(line); groups.append(i / 20)
        }
        let r = AxisCorrelation.estimate(lines: lines, groups: groups, maxLag: 8)
        for lag in 0...4 { #expect(abs(r.c[lag] - pow(rho, Double(lag))) < 0.03, "C(\(lag)) = \(r.c[lag])") }
        #expect(abs(r.length! - (-1 / log(rho))) < 0.3)
    }

    @Test func fullDimensionalLinesScoreThroughTheNetwork() throws {
        let net = try randomMLP("mlp:30-16-4", seed: 4)
        let anchor = try gaussianVector(30, seed: 5)
        let sampler = try AxisLineSampler(anchor: anchor, spacing: 0.5, maxLag: 3, axes: 5, rng: try RandomGenerator(seed: 6))
        #expect(sampler.axes.count == 5 && Set(sampler.axes).count == 5)
        let (loss, predicted) = try sampler.sample(classifier: net, target: 1)
        #expect(loss.count == 5 && loss.allSatisfy { $0.count == 7 })
        // The middle of every line is the anchor: its score to Float rounding. Not bit for bit: with
        // OpenBLAS's Haswell kernels (chosen on AMD EPYC) a row's product depends in the last bits on
        // its position in the batch (row 3 of 35 against row 10, or a batch of 1).
        let z = try net.logits(anchor, count: 1)
        let at = z.withUnsafeBufferPointer { TargetScore($0, target: 1) }
        #expect(loss.allSatisfy { abs($0[3] - at.loss) <= 1e-5 * max(1, at.loss) } && predicted.allSatisfy { $0[3] == at.predicted })
        let c = AxisCorrelation.estimate(lines: loss, groups: [Int](repeating: 0, count: 5), maxLag: 3)
        #expect(c.c[0] == 1 && c.groups == 1)
        #expect(AxisLineSampler.indicator(loss: loss, predicted: predicted, rule: .iid(0.1), target: 1, threshold: nil) == nil)
    }
}
