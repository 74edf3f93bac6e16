import Foundation
import Testing
@testable import Connectivity
import Support

@Suite struct ConnectivityProtocolTests {
    @Test func namesValidateAndUnknownNamesListTheValidOnes() throws {
        #expect(ConnectivityProtocol.standard == .modelattice)
        #expect(ConnectivityProtocol.names == ["modelattice", "vrabel2024"])
        #expect(try ConnectivityProtocol(name: "vrabel2024") == .vrabel2024)
        #expect(try ConnectivityProtocol(name: "modelattice") == .modelattice)
        for bad in ["vrabel2025", "", "Vrabel2024"] {
            #expect(throws: ModeLatticeError.usage("unknown protocol '\(bad)' (valid: modelattice, vrabel2024)")) {
                try ConnectivityProtocol(name: bad)
            }
        }
    }

    /// A configuration holds the preset by name; an unknown name fails with the same usage error.
    @Test func configurationsDecodeTheProtocolByName() throws {
        struct Configuration: Codable { var `protocol`: ConnectivityProtocol }
        let json = Data(#"{"protocol": "vrabel2024"}"#.utf8)
        #expect(try JSONDecoder().decode(Configuration.self, from: json).protocol == .vrabel2024)
        let encoded = try JSONEncoder().encode(Configuration(protocol: .modelattice))
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"protocol":"modelattice"}"#)
        #expect(throws: ModeLatticeError.usage("unknown protocol 'paper' (valid: modelattice, vrabel2024)")) {
            try JSONDecoder().decode(Configuration.self, from: Data(#"{"protocol": "paper"}"#.utf8))
        }
    }

    /// The settings of issue 14 (the paper's §3.2, §4.1–4.3), one by one.
    @Test func vrabel2024HoldsThePublishedSettings() {
        let p = ConnectivityProtocol.vrabel2024
        let b = p.bypass
        #expect(b.mode == .projected && b.learningRate == 0.005 && b.iterations == 1024)
        #expect(b.deviationWeight == 0.1 && b.tvWeight == 1e-8 && b.weightDecay == 0)
        #expect(!b.earlyStop && b.projection == .gradient && b.selection == .lastIterate)
        #expect(b.pointsPerSegment == 1000 && p.pairBarrierPoints == 1000 && p.statisticsBarrierPoints == 250)
        let a = p.targetedAttack
        #expect(a.learningRate == 0.005 && a.iterations == 512 && a.deviationWeight == 0.1 && a.tvWeight == 1e-8)
        #expect(a.box == nil)
        #expect(p.pairSelection == PairSelection(drawnPerClass: 7, keptPerClass: 5))
        let fv = p.featureVisualization
        #expect(fv.learningRate == 0.05 && fv.iterations == 8192 && fv.lossThreshold == 5e-4 && fv.weightDecay == 1e-7)
        let u = p.untrainedBypass
        #expect(u.mode == .free && u.learningRate == 0.05 && u.iterations == 4096 && u.weightDecay == 1e-7)
        #expect(u.earlyStop && u.lossThreshold == 5e-4 && u.selection == .lastIterate)
        #expect(p.untrainedBypassRounds == 2)
    }

    /// Our protocol is what the library used before presets existed, bit for bit.
    @Test func modelatticeIsTheEarlierDefault() {
        let p = ConnectivityProtocol.modelattice
        #expect(p.bypass == .trained && p.untrainedBypass == .untrained)
        #expect(BypassSettings.trained.projection == .exact && BypassSettings.trained.selection == .bestSeen)
        #expect(p.targetedAttack.iterations == 1024 && p.targetedAttack.box == InputBox(lower: 0, upper: 1))
        #expect(p.pairSelection == nil)
        #expect(p.pairBarrierPoints == 250 && p.statisticsBarrierPoints == 250)
    }

    @Test func pairSelectionKeepsTheSmallestEndpointDifferencesPerClass() throws {
        let s = PairSelection(drawnPerClass: 7, keptPerClass: 5)
        // Class 0: |ΔL| = 0.5, 0.1, 0.9, 0.2, 0.3, 0.1, 0.7 → keep pairs 1, 5 (tie: both), 3, 4, 0.
        // Class 1 (three pairs, fewer than five): all kept.
        let classes = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
        let lossA = [1.0, 2.0, 0.0, 1.2, 3.0, 0.4, 0.0, 5.0, 1.0, 2.0]
        let lossC = [1.5, 2.1, 0.9, 1.0, 2.7, 0.3, 0.7, 0.0, 9.0, 2.0]
        #expect(try s.kept(classes: classes, lossA: lossA, lossC: lossC) == [0, 1, 3, 4, 5, 7, 8, 9])
        #expect(throws: ModeLatticeError.self) { try s.kept(classes: [0], lossA: [1, 2], lossC: [1]) }
    }

    /// The preset's bypass is the released procedure: 1024 Adam steps on the projected gradient,
    /// the last iterate kept. Checked against a direct transcription of that loop, on the 4×4 valley
    /// of ``InputSpaceBypassTests`` where C − A is not axis-aligned: there Adam's per-coordinate
    /// scaling moves B′ along C − A (our protocol keeps that component at rounding level).
    @Test func vrabel2024BypassIsTheGradientProjectedLastIterate() throws {
        let (net, a, c) = try Self.tiltedValley()
        var settings = ConnectivityProtocol.vrabel2024.bypass
        settings.pointsPerSegment = 251
        let (_, barrier) = try net.linearBarrier(from: a, to: c, target: 0, points: 251)
        let b = InputPolyline.mix(a, c, barrier.alphaAtMax)
        let p = try BarrierBypass.optimizePoint(classifier: net, a: a, b: b, c: c, target: 0,
                                                segmentBarrier: barrier, settings: settings)
        #expect(p.steps == 1024 && p.bestStep == 1024 && p.stop == .stepCap)

        // x ← x + Adam(P(∇CE + 0.2/n·(x − B) + 1e-8·∇TV(x − B))), P(g) = g − (g·v / v·v)·v, v = C − A.
        let n = b.count
        let v = (0..<n).map { Double(c[$0]) - Double(a[$0]) }
        let vv = v.reduce(0) { $0 + $1 * $1 }
        let geometry = try #require(ImageGeometry(inputShape: net.inputShape))
        var x = b.map(Double.init)
        var adam = InputAdam(count: n, learningRate: 0.005)
        for _ in 0..<1024 {
            var (_, g) = try net.lossAndGradient(x, target: 0)
            let d = (0..<n).map { x[$0] - Double(b[$0]) }
            for i in 0..<n { g[i] += 0.2 / Double(n) * d[i] }
            TotalVariation.addGradient(d, geometry: geometry, weight: 1e-8, into: &g)
            let gv = zip(g, v).reduce(0) { $0 + $1.0 * $1.1 }
            for i in 0..<n { g[i] -= gv / vv * v[i] }
            let step = adam.step(gradient: g, at: x)
            for i in 0..<n { x[i] += step[i] }
        }
        // The two project with differently rounded formulas (u = v/|v| there), hence not bit for bit.
        let gap = zip(p.point, x).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(gap < 1e-5, "max |B′ − transcription| = \(gap)")
        #expect(p.orthogonality > 1e-3)

        var ours = BypassSettings.trained
        ours.earlyStop = false
        ours.iterations = 1024
        let q = try BarrierBypass.optimizePoint(classifier: net, a: a, b: b, c: c, target: 0,
                                                segmentBarrier: barrier, settings: ours)
        #expect(q.orthogonality < 1e-6)

        // The whole bypass bends the path through that last iterate.
        let r = try BarrierBypass.run(classifier: net, from: a, to: c, target: 0, settings: settings)
        #expect(r.path.vertices.count == 3 && r.path.vertices[1] == p.point && r.status == .stepCap)
    }

    /// The valley network of ``InputSpaceBypassTests/projectedStepsKeepTheMoveOrthogonalToTheSegment``.
    static func tiltedValley() throws -> (TinyReLUNetwork, [Float], [Float]) {
        let rng = try RandomGenerator(seed: 32)
        func unit(_ v: [Double]) -> [Double] { let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot(); return v.map { $0 / n } }
        let e1 = unit((0..<16).map { _ in rng.gaussian() })
        var e2 = (0..<16).map { _ in rng.gaussian() }
        let overlap = zip(e1, e2).reduce(0) { $0 + $1.0 * $1.1 }
        e2 = unit((0..<16).map { e2[$0] - overlap * e1[$0] })
        let net = TinyReLUNetwork(inputShape: [1, 4, 4], hidden: 3, classCount: 2,
                                  w1: e1 + e1.map { -$0 } + e2, b1: [0, 0, 0.5], w2: [3, 3, 3, 0, 0, 0], b2: [0, 2])
        return (net, e1.map { Float(-2 * $0) }, e1.map { Float(2 * $0) })
    }
}
