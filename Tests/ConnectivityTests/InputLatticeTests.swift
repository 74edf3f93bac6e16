import Foundation
import Testing
@testable import Connectivity
import NetworkCore
import Percolation
import Support

@Suite struct InputLatticeGeometryTests {
    @Test func directionsAreOrthonormalAndKeepAPrefix() throws {
        let rng = try RandomGenerator(seed: 11)
        let u = try OrthonormalDirections.random(count: 7, dimension: 784, rng: rng)
        #expect(OrthonormalDirections.orthonormalityError(u, count: 7, dimension: 784) < 1e-13)
        let p = try gaussianVector(50, seed: 3).map(Double.init)
        let norm = p.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let v = try OrthonormalDirections.random(count: 50, dimension: 50, rng: rng, prefix: [p.map { $0 / norm }])
        #expect(OrthonormalDirections.orthonormalityError(v, count: 50, dimension: 50) < 1e-12)
        for j in 0..<50 { #expect(abs(v[j] - p[j] / norm) < 1e-15) }
        #expect(throws: ModeLatticeError.self) { try OrthonormalDirections.random(count: 5, dimension: 4, rng: rng) }
    }

    @Test func sitesAreCentredOnTheAnchorInCOrder() throws {
        let anchor = try gaussianVector(10, seed: 1)
        let lattice = try SubspaceLattice(anchor: anchor, dimension: 3, side: 4, spacing: 0.5, rng: try RandomGenerator(seed: 2))
        #expect(lattice.siteCount == 64)
        #expect(lattice.point(site: lattice.anchorSite) == anchor)
        // Site (1, 3, 0): offsets (−1, +1, −2).
        let site = 1 * 16 + 3 * 4 + 0
        #expect(lattice.offsets(of: site) == [-1, 1, -2])
        let x = lattice.point(site: site)
        for j in 0..<10 {
            let expected = Double(anchor[j]) + 0.5 * (-lattice.directions[j] + lattice.directions[10 + j] - 2 * lattice.directions[20 + j])
            #expect(abs(Double(x[j]) - expected) < 1e-5)
        }
    }

    @Test func badLatticesAreUsageErrors() throws {
        let a = [Float](repeating: 0, count: 5)
        let rng = try RandomGenerator(seed: 1)
        for make in [
            { _ = try SubspaceLattice(anchor: a, dimension: 2, side: 4, spacing: 0, rng: rng) },
            { _ = try SubspaceLattice(anchor: a, dimension: 6, side: 4, spacing: 1, rng: rng) },
            { _ = try SubspaceLattice(anchor: a, dimension: 5, side: 100, spacing: 1, rng: rng) },
        ] as [() throws -> Void] {
            do { try make(); Issue.record("no error") } catch let e as ModeLatticeError { #expect(e.kind == .usage) }
        }
        do { _ = try SubspaceLattice.siteCount(dimension: 6, side: 100); Issue.record("no error") } catch let e as ModeLatticeError {
            #expect(e.kind == .usage && e.message.contains("2^27"))
        }
    }

    @Test func openRulesParseAndQuantileOpensExactlyQN() throws {
        #expect(try OpenRule(parsing: "class") == .predictedClass)
        #expect(try OpenRule(parsing: "loss:0.25") == .loss(0.25))
        #expect(try OpenRule(parsing: "quantile:0.1") == .quantile(0.1))
        for bad in ["loss:-1", "quantile:2", "cls", "loss:x"] { #expect(throws: ModeLatticeError.self) { try OpenRule(parsing: bad) } }
        let scores = SiteScores(target: 0, predicted: [0, 1, 0, 1, 0, 0, 1, 0, 0, 1],
                                loss: [0.5, 0.1, 0.9, 0.1, 0.3, 2, 0.05, 0.7, 0.3, 1])
        #expect(OpenRule.quantile(0.3).mask(scores) == [false, true, false, true, false, false, true, false, false, false])
        // Ties at 0.3 broken by site index: the 4th lowest is site 4.
        #expect(OpenRule.quantile(0.4).mask(scores).enumerated().filter { $0.element }.map(\.offset) == [1, 3, 4, 6])
        #expect(OpenRule.loss(0.31).mask(scores).filter { $0 }.count == 5)
        #expect(OpenRule.predictedClass.mask(scores) == scores.predicted.map { $0 == 0 })
    }
}

@Suite struct InputLatticeEvaluationTests {
    @Test func batchedScoresEqualOneByOneEvaluation() throws {
        let net = try randomMLP()
        let lattice = try SubspaceLattice(anchor: try gaussianVector(20, seed: 9), dimension: 3, side: 5, spacing: 0.7,
                                          rng: try RandomGenerator(seed: 4))
        let scores = try lattice.scores(evaluator: SiteEvaluator(classifier: net, batch: 17, threads: 1), target: 2, exactInputs: true)
        for site in stride(from: 0, to: lattice.siteCount, by: 7) {
            let x = lattice.point(site: site)
            #expect(Int(scores.predicted[site]) == (try net.predictions(x, count: 1)[0]))
            let ce = try net.crossEntropy(x, targets: [2])[0]
            #expect(abs(Double(scores.loss[site]) - ce) < 1e-4 * max(1, ce))
        }
    }

    @Test func affineFrontAgreesWithTheFullForwardPass() throws {
        let net = try randomMLP("mlp:20-24-16-5", seed: 6)
        let lattice = try SubspaceLattice(anchor: try gaussianVector(20, seed: 3), dimension: 4, side: 6, spacing: 0.9,
                                          rng: try RandomGenerator(seed: 8))
        #expect(AffineFront(classifier: net, lattice: lattice) != nil)
        #expect(AffineFront(classifier: try halfSpaceClassifier(n: 20, seed: 1), lattice: lattice) == nil)
        let evaluator = SiteEvaluator(classifier: net, batch: 100, threads: 1)
        let fast = try lattice.scores(evaluator: evaluator, target: 3)
        let exact = try lattice.scores(evaluator: evaluator, target: 3, exactInputs: true)
        var worst = 0.0
        for i in 0..<lattice.siteCount { worst = max(worst, Double(abs(fast.loss[i] - exact.loss[i])) / max(1, Double(exact.loss[i]))) }
        #expect(worst < 1e-5)
        #expect(zip(fast.predicted, exact.predicted).filter { $0 != $1 }.count <= 1)
    }

    @Test func scoresAndScanRowsDoNotDependOnThreads() throws {
        let net = try randomMLP()
        let lattice = try SubspaceLattice(anchor: try gaussianVector(20, seed: 9), dimension: 4, side: 5, spacing: 0.3,
                                          rng: try RandomGenerator(seed: 4))
        let one = try lattice.scores(evaluator: SiteEvaluator(classifier: net, batch: 64, threads: 1), target: 1)
        let two = try lattice.scores(evaluator: SiteEvaluator(classifier: net, batch: 64, threads: 2), target: 1)
        #expect(one == two)
        let scan = SubspaceScan(dims: [3], extent: .side(6), spacing: .automatic(referenceNorm: 4), rule: .quantile(0.2),
                                iidMasks: 3, target: nil, seed: 7, generator: nil)
        let anchor = try gaussianVector(20, seed: 10)
        #expect(try scan.run(network: 0, dimension: 3, classifier: net, anchor: anchor, threads: 1)
                == scan.run(network: 0, dimension: 3, classifier: net, anchor: anchor, threads: 2))
    }

    @Test func halfSpaceLatticeIsOneClusterUnderEveryRule() throws {
        let n = 30
        let model = try halfSpaceClassifier(n: n, seed: 21)
        for (d, L) in [(2, 12), (3, 8), (5, 4)] {
            // Anchor on the class boundary, margin (w_0 − w_1)·x + b_0 − b_1 = 0, so every rule cuts the lattice.
            var anchor = try gaussianVector(n, seed: UInt64(d))
            let w = (0..<n).map { Double(model.weight[$0] - model.weight[n + $0]) }
            let margin = zip(w, anchor).reduce(Double(model.bias[0] - model.bias[1])) { $0 + $1.0 * Double($1.1) }
            let ww = w.reduce(0) { $0 + $1 * $1 }
            for j in 0..<n { anchor[j] -= Float(margin / ww * w[j]) }
            let lattice = try SubspaceLattice(anchor: anchor, dimension: d, side: L, spacing: 0.8,
                                              rng: try RandomGenerator(seed: UInt64(100 + d)))
            let scores = try lattice.scores(evaluator: SiteEvaluator(classifier: model, batch: 100), target: 0)
            let hyper = try HypercubicLattice(dimension: d, side: L, boundary: .open)
            for rule in [OpenRule.predictedClass, .loss(0.4), .quantile(0.3)] {
                let mask = rule.mask(scores)
                let result = try ClusterLabeling.label(occupied: mask, lattice: hyper)
                #expect(result.occupied > 0 && result.occupied < lattice.siteCount, "d=\(d) \(rule): the test needs a cut lattice")
                #expect(result.clusters == 1, "d=\(d) \(rule): \(result.clusters) clusters")
                #expect(result.pairConnectivity == 1)
            }
        }
    }

    @Test func networkMaskLabelingEqualsLabelingOfTheSavedNpy() throws {
        let net = try randomMLP()
        let lattice = try SubspaceLattice(anchor: try gaussianVector(20, seed: 12), dimension: 3, side: 10, spacing: 0.4,
                                          rng: try RandomGenerator(seed: 13))
        let scores = try lattice.scores(evaluator: SiteEvaluator(classifier: net), target: 0)
        let mask = OpenRule.quantile(0.15).mask(scores)
        let hyper = try HypercubicLattice(dimension: 3, side: 10, boundary: .open)
        let direct = try ClusterLabeling.label(occupied: mask, lattice: hyper, siteLabels: true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lattice-mask-\(getpid()).npy").path
        defer { unlink(path) }
        try NPYArray(bool: mask, shape: [10, 10, 10]).write(to: path)
        let reread = try ClusterLabeling.label(maskFile: path, boundary: .open, siteLabels: true)
        #expect(direct == reread)
        #expect(direct.occupied == 150 && direct.clusters >= 1 && direct.labels?.filter { $0 >= 0 }.count == 150)
        let comparison = try LatticeComparison.compare(mask: mask, dimension: 3, side: 10, iidMasks: 0, rng: try RandomGenerator(seed: 1))
        #expect(comparison.network == LatticeObservables(reread))
        #expect(comparison.network.largestShare == Double(reread.largest) / 150)
    }
}

@Suite struct InputLatticeGrowthTests {
    @Test func allOpenGrowthReachesItsCapWithExactEvaluationCount() throws {
        let net = try randomMLP()
        let growth = try AnchorClusterGrowth(anchor: try gaussianVector(20, seed: 1), spacing: 0.1, rule: .loss(1e30), target: 0, cap: 50)
        let r = try growth.run(classifier: net)
        // Anchor (1), its 40 neighbours (cluster 41), then the first neighbour's 39 unseen ones: the
        // cap of 50 is reached inside that batch, after 1 + 40 + 39 evaluations.
        #expect(r.clusterSize == 50 && r.survived && r.evaluations == 80 && r.radius == 2)
        #expect(r.openFraction == 1 && r.tiedShare == 0 && r.threshold == nil)
        #expect(r.generations.map(\.shellSize) == [1, 40, 9] && r.generations.map(\.sitesEvaluated) == [1, 40, 39])
    }

    @Test func closedAnchorDiesAtOnceAndHalfSpaceGrowthIsExact() throws {
        let model = try halfSpaceClassifier(n: 6, seed: 2)
        let anchor = try gaussianVector(6, seed: 3)
        let c = try model.predictions(anchor, count: 1)[0]
        let dead = try AnchorClusterGrowth(anchor: anchor, spacing: 0.5, rule: .predictedClass, target: 1 - c, cap: 10).run(classifier: model)
        #expect(dead.clusterSize == 0 && !dead.survived && dead.evaluations == 1 && dead.radius == 0 && dead.openFraction == nil)
        // A half-space is unbounded: its lattice cluster always reaches the cap.
        let alive = try AnchorClusterGrowth(anchor: anchor, spacing: 0.5, rule: .predictedClass, target: c, cap: 200).run(classifier: model)
        #expect(alive.survived && alive.clusterSize == 200)
        #expect(throws: ModeLatticeError.self) { try AnchorClusterGrowth(anchor: anchor, spacing: 0.5, rule: .predictedClass, target: 0, cap: 0) }
    }

    @Test func displacementsHashAndMove() {
        let o = LatticeDisplacement()
        let a = o.moved(axis: 700, by: 1)!.moved(axis: 3, by: -1)!
        #expect(a.steps(along: 700) == 1 && a.steps(along: 3) == -1 && a.latticeDistance == 2)
        #expect(a.moved(axis: 3, by: 1)! == o.moved(axis: 700, by: 1)!)
        #expect(a.isNeighbour(of: o.moved(axis: 700, by: 1)!) && !a.isNeighbour(of: o))
    }
}

@Suite struct InputLatticeCertificateTests {
    @Test func convexRegionGivesTheStraightCertificate() throws {
        let model = try halfSpaceClassifier(n: 12, seed: 31)
        // Two inputs deep in class 0 (the region is a half-space, so the segment is inside).
        var a = try gaussianVector(12, seed: 40), c = try gaussianVector(12, seed: 41)
        let w = (0..<12).map { model.weight[$0] - model.weight[12 + $0] }
        for j in 0..<12 { a[j] += 3 * w[j]; c[j] += 3 * w[j] }
        #expect(try model.predictions(a + c, count: 2) == [0, 0])
        let lattice = try CertificateLattice(a: a, c: c, steps: 10, axes: 4, rng: try RandomGenerator(seed: 5))
        #expect(lattice.point(lattice.start) == a && lattice.point(lattice.goal) == c)
        let search = try LatticeCertificate(lattice: lattice, rule: .predictedClass, target: 0, weight: 1)
        let r = try search.search(classifier: model)
        #expect(r.found && r.path.count == 11 && r.latticeDistance == 10)
        #expect(try search.verify(r.path, classifier: model) == nil)
        // Tampered paths fail the re-check.
        var skip = r.path; skip.remove(at: 5)
        #expect(try search.verify(skip, classifier: model) == 5)
        #expect(try search.verify(Array(r.path.dropLast()), classifier: model) == 9)
        let closed = try LatticeCertificate(lattice: lattice, rule: .predictedClass, target: 1).search(classifier: model)
        #expect(!closed.found && closed.reason == "endpoint closed" && closed.evaluations == 2)
    }

    @Test func networkCertificatesHoldSiteBySite() throws {
        let net = try randomMLP("mlp:20-32-32-3", seed: 8)
        var checked = 0
        for pair in 0..<12 {
            let a = try gaussianVector(20, seed: UInt64(200 + pair)), c = try gaussianVector(20, seed: UInt64(300 + pair))
            let ca = try net.predictions(a, count: 1)[0]
            guard try net.predictions(c, count: 1)[0] == ca else { continue }
            let lattice = try CertificateLattice(a: a, c: c, steps: 8, axes: 5, rng: try RandomGenerator(seed: UInt64(pair)))
            let search = try LatticeCertificate(lattice: lattice, rule: .predictedClass, target: ca, maximumEvaluations: 5000)
            let r = try search.search(classifier: net)
            guard r.found else { continue }
            #expect(try search.verify(r.path, classifier: net) == nil)
            // Independent re-check through the classifier's own argmax, one site at a time.
            for (i, k) in r.path.enumerated() {
                #expect(try net.predictions(lattice.point(k), count: 1)[0] == ca)
                if i > 0 { #expect(CertificateLattice.distance(r.path[i - 1], k) == 1) }
            }
            #expect(r.path.count >= r.latticeDistance + 1)
            checked += 1
        }
        #expect(checked >= 3)
    }
}
