import Foundation
import Testing
@testable import Connectivity
import Support

@Suite struct InputSpacePathTests {
    @Test func tinyNetworkGradientMatchesFiniteDifferences() throws {
        let net = try TinyReLUNetwork.random(inputs: 9, hidden: 7, classes: 4, seed: 11)
        let rng = try RandomGenerator(seed: 12)
        for trial in 0..<5 {
            let x = (0..<9).map { _ in Double(Float(rng.gaussian())) }
            let target = trial % 4
            let g = try net.crossEntropyWithInputGradient(x.map { Float($0) }, targets: [target]).gradients
            let h = 1e-6
            for j in 0..<9 {
                var up = x, down = x
                up[j] += h; down[j] -= h
                let fd = (net.loss(up, target: target) - net.loss(down, target: target)) / (2 * h)
                #expect(abs(Double(g[j]) - fd) <= 1e-5 * max(1, abs(fd)), "coordinate \(j): \(g[j]) vs \(fd)")
            }
        }
    }

    @Test func linearModelLossAlongALineIsTheClosedForm() throws {
        // z(α) = (1−α)z(A) + αz(C) for f(x) = Wx + b, so CE(α) = logsumexp(z(α)) − z_c(α), convex in α.
        let rng = try RandomGenerator(seed: 21)
        let n = 6, k = 3
        let model = SoftmaxLinearClassifier(inputShape: [n], classCount: k,
                                            weight: (0..<(n * k)).map { _ in Float(rng.gaussian()) },
                                            bias: (0..<k).map { _ in Float(rng.gaussian()) })
        let a = (0..<n).map { _ in Float(rng.gaussian()) }, c = (0..<n).map { _ in Float(rng.gaussian()) }
        let za = try model.logits(a, count: 1).map(Double.init), zc = try model.logits(c, count: 1).map(Double.init)
        let (profile, barrier) = try model.linearBarrier(from: a, to: c, target: 1, points: 41)
        #expect(profile.losses.count == 41)
        for (alpha, loss) in zip(profile.alphas, profile.losses) {
            let z = (0..<k).map { (1 - alpha) * za[$0] + alpha * zc[$0] }
            let exact = log(z.reduce(0) { $0 + exp($1) }) - z[1]
            #expect(abs(loss - exact) < 2e-5 * max(1, exact))
        }
        #expect(profile.alphas[20] == 0.5)
        #expect(barrier.barrierGap == 0)
        #expect(barrier.barrierMax == max(barrier.lossA, barrier.lossC))
    }

    @Test func barrierIsZeroWhenEndpointsCoincide() throws {
        let net = try TinyReLUNetwork.random(inputs: 9, hidden: 7, classes: 4, seed: 5)
        let a: [Float] = (0..<9).map { Float($0) / 9 - 0.4 }
        let (profile, barrier) = try net.linearBarrier(from: a, to: a, target: 2, points: 250)
        #expect(Set(profile.losses).count == 1)
        #expect(barrier.barrierGap == 0)
        #expect(barrier.barrierMax == barrier.lossA && barrier.lossA == barrier.lossC)
        #expect(abs(barrier.lossA - net.loss(a.map(Double.init), target: 2)) < 1e-5)
    }

    @Test func valleyNetworkHasTheHandComputedBarrier() throws {
        // Endpoints: z₀ = 7.5, z₁ = 2 → CE = log(1 + e^{−5.5}); midpoint: z₀ = 1.5 → log(1 + e^{0.5}).
        let (profile, barrier) = try valleyNetwork().linearBarrier(from: [-2, 0], to: [2, 0], target: 0, points: 201)
        #expect(abs(barrier.lossA - log(1 + exp(-5.5))) < 1e-6)
        #expect(abs(barrier.barrierMax - log(1 + exp(0.5))) < 1e-6)
        #expect(barrier.argmax == 100 && profile.alphas[100] == 0.5)
    }

    @Test func totalVariationGradientMatchesFiniteDifferences() throws {
        let g = try #require(ImageGeometry(inputShape: [16]))
        #expect(g == ImageGeometry(channels: 1, height: 4, width: 4))
        #expect(ImageGeometry(inputShape: [2]) == nil)
        let rng = try RandomGenerator(seed: 3)
        let d = (0..<16).map { _ in rng.gaussian() }
        // 4×4: 12 horizontal + 12 vertical differences.
        var manual = 0.0
        for h in 0..<4 { for w in 0..<3 { manual += abs(d[h * 4 + w + 1] - d[h * 4 + w]) } }
        for h in 0..<3 { for w in 0..<4 { manual += abs(d[(h + 1) * 4 + w] - d[h * 4 + w]) } }
        #expect(abs(TotalVariation.value(d, geometry: g) - manual) < 1e-12)
        var grad = [Double](repeating: 0, count: 16)
        TotalVariation.addGradient(d, geometry: g, weight: 1, into: &grad)
        for j in 0..<16 {
            var up = d, down = d
            up[j] += 1e-7; down[j] -= 1e-7
            let fd = (TotalVariation.value(up, geometry: g) - TotalVariation.value(down, geometry: g)) / 2e-7
            #expect(abs(grad[j] - fd) < 1e-5)
        }
    }

    @Test func adamFirstStepIsLearningRateTimesSign() {
        // After one step, m̂ = g and v̂ = g², so the step is −lr·g/(|g| + ε) ≈ −lr·sign(g).
        var adam = InputAdam(count: 3, learningRate: 0.01)
        let s = adam.step(gradient: [2, -0.5, 0], at: [0, 0, 0])
        #expect(abs(s[0] + 0.01) < 1e-9 && abs(s[1] - 0.01) < 1e-9 && s[2] == 0)
    }
}

@Suite struct InputSpaceBypassTests {
    @Test func projectedStepsKeepTheMoveOrthogonalToTheSegment() throws {
        // The valley network turned to generic directions of a 4×4 image: C − A is not axis-aligned,
        // so Adam's per-coordinate scaling would leak the move along C − A if only the gradient were
        // projected. The barrier keeps falling as B′ moves down the valley, so the best point seen
        // is far from B.
        let rng = try RandomGenerator(seed: 32)
        func unit(_ v: [Double]) -> [Double] { let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot(); return v.map { $0 / n } }
        let e1 = unit((0..<16).map { _ in rng.gaussian() })
        var e2 = (0..<16).map { _ in rng.gaussian() }
        let overlap = zip(e1, e2).reduce(0) { $0 + $1.0 * $1.1 }
        e2 = unit((0..<16).map { e2[$0] - overlap * e1[$0] })
        let net = TinyReLUNetwork(inputShape: [1, 4, 4], hidden: 3, classCount: 2,
                                  w1: e1 + e1.map { -$0 } + e2, b1: [0, 0, 0.5], w2: [3, 3, 3, 0, 0, 0], b2: [0, 2])
        let a = e1.map { Float(-2 * $0) }, c = e1.map { Float(2 * $0) }
        var settings = BypassSettings.trained
        settings.earlyStop = false
        settings.iterations = 300
        settings.tvWeight = 1e-3
        let (_, barrier) = try net.linearBarrier(from: a, to: c, target: 0)
        let b = InputPolyline.mix(a, c, barrier.alphaAtMax)
        let p = try BarrierBypass.optimizePoint(classifier: net, a: a, b: b, c: c, target: 0,
                                                segmentBarrier: barrier, settings: settings)
        #expect(p.steps == 300 && p.stop == .stepCap)
        #expect(p.improves && p.bestStep > 100)
        #expect(p.maxDisplacement > 0.1)
        #expect(p.orthogonality < 1e-6)
        // Independent check of the same invariant from the returned point.
        let d = (0..<16).map { Double(p.point[$0]) - Double(b[$0]) }
        let u = (0..<16).map { Double(c[$0]) - Double(a[$0]) }
        let cosine = zip(d, u).reduce(0) { $0 + $1.0 * $1.1 }
            / (d.reduce(0) { $0 + $1 * $1 }.squareRoot() * u.reduce(0) { $0 + $1 * $1 }.squareRoot())
        #expect(abs(cosine) < 1e-6)
        #expect(p.loss < barrier.barrierMax && p.segmentBarrierMax < barrier.barrierMax)
    }

    @Test func bypassRemovesTheValleyBarrierAndStopsEarly() throws {
        let net = valleyNetwork()
        let result = try BarrierBypass.run(classifier: net, from: [-2, 0], to: [2, 0], target: 0)
        let (_, linear) = try net.linearBarrier(from: [-2, 0], to: [2, 0], target: 0)
        #expect(linear.barrierGap > 0.9)
        #expect(result.path.vertices.count == 3)
        #expect(result.barrier.barrierGap <= 0.1 * linear.barrierGap)
        #expect(result.points[0].steps < 1024)
        #expect(result.points[0].point[1] > 0)                 // moved along +x₂, off the line
        #expect(abs(result.points[0].point[0]) < 0.01)          // and not along C − A
        #expect(result.deviation == result.points[0].maxDisplacement / 2)
        #expect(result.barrier.lossA == linear.lossA && result.barrier.lossC == linear.lossC)
    }

    @Test func noBarrierMeansNoBypassStep() throws {
        let rng = try RandomGenerator(seed: 41)
        let model = SoftmaxLinearClassifier(inputShape: [4], classCount: 2,
                                            weight: (0..<8).map { _ in Float(rng.gaussian()) }, bias: [0, 0])
        let result = try BarrierBypass.run(classifier: model, from: [1, 0, 0, 0], to: [0, 1, 0, 1], target: 0)
        #expect(result.points.isEmpty && result.deviation == 0)
        #expect(result.path.vertices.count == 2)
    }

    @Test func twoFreeRoundsConnectSynthesizedInputsOfAnUntrainedNetwork() throws {
        let net = try TinyReLUNetwork.random(inputs: 16, hidden: 24, classes: 3, seed: 51)
        var fv = FeatureVisualization()
        fv.iterations = 2000
        var passed = 0
        for pair in 0..<4 {
            let a = try fv.synthesize(classifier: net, target: 1, rng: RandomGenerator(seed: UInt64(100 + 2 * pair)))
            let c = try fv.synthesize(classifier: net, target: 1, rng: RandomGenerator(seed: UInt64(101 + 2 * pair)))
            var settings = BypassSettings.untrained
            settings.iterations = 2000
            settings.pointsPerSegment = 64
            let r = try BarrierBypass.run(classifier: net, from: a.input, to: c.input, target: 1,
                                          settings: settings, rounds: 2)
            #expect(r.path.vertices.count <= 5)
            #expect(r.points.allSatisfy { ($0.stop == .criterion) == ($0.steps < 2000) })
            #expect(r.points.isEmpty == (r.status == .noBarrier))
            if r.barrier.barrierMax <= 1.5 * max(r.barrier.lossA, r.barrier.lossC) { passed += 1 }
        }
        #expect(passed >= 3)
    }
}

extension InputSpaceBypassTests {
    /// The bent segment A → p → C's highest loss, evaluated here independently of the optimizer.
    static func bentPeak(_ net: some InputClassifier, _ a: [Float], _ p: [Float], _ c: [Float], target: Int,
                         points: Int) throws -> Double {
        let profile = try LossProfile.along(InputPolyline(vertices: [a, p, c], alphas: [0, 0.5, 1]),
                                            classifier: net, target: target, pointsPerSegment: points)
        return Barrier(profile: profile).barrierMax
    }

    /// `steps` plain free-mode Adam steps from b: the last iterate the optimizer used to return.
    static func lastIterate(_ net: some InputClassifier, from b: [Float], target: Int, settings: BypassSettings,
                            steps: Int) throws -> [Float] {
        var x = b.map(Double.init)
        var adam = InputAdam(count: x.count, learningRate: settings.learningRate, weightDecay: settings.weightDecay)
        for _ in 0..<steps {
            let (_, g) = try net.lossAndGradient(x, target: target)
            let step = adam.step(gradient: g, at: x)
            for i in x.indices { x[i] += step[i] }
        }
        return x.map { Float($0) }
    }

    /// A diverging free bypass (learning rate far too large, step cap hit, no early stop) must not
    /// return a path above the straight one: it keeps the best path it has seen (the straight path
    /// if nothing beat it) and says that the step cap ended the run.
    @Test func divergingFreeBypassIsNeverWorseThanTheStraightPath() throws {
        let net = overshootNetwork()
        let a: [Float] = [-2, 0], c: [Float] = [2, 0]
        // 251 points: the straight path's peak is sampled at its exact midpoint B = (0, 0).
        let (_, linear) = try net.linearBarrier(from: a, to: c, target: 0, points: 251)
        #expect(linear.barrierGap > 0.9 && linear.alphaAtMax == 0.5)
        // (learning rate, step cap): far too large for this valley, so the optimizer overshoots.
        for (lr, steps) in [(50.0, 1), (50.0, 10), (5.0, 40)] {
            var settings = BypassSettings.untrained
            settings.learningRate = lr
            settings.iterations = steps
            settings.earlyStop = false
            settings.pointsPerSegment = 251
            // The last iterate alone bends the path over a higher barrier: the failure being guarded.
            let last = try Self.lastIterate(net, from: [0, 0], target: 0, settings: settings, steps: steps)
            #expect(try Self.bentPeak(net, a, last, c, target: 0, points: 251) > 2 * linear.barrierMax, "lr \(lr), \(steps) steps")

            let p = try BarrierBypass.optimizePoint(classifier: net, a: a, b: [0, 0], c: c, target: 0,
                                                    segmentBarrier: linear, settings: settings)
            #expect(p.stop == .stepCap && p.steps == steps)
            #expect(p.segmentBarrierMax <= linear.barrierMax)
            if p.improves {
                #expect(try Self.bentPeak(net, a, p.point, c, target: 0, points: 251) < linear.barrierMax)
            } else {
                #expect(p.point == [0, 0] && p.maxDisplacement == 0)
            }

            let r = try BarrierBypass.run(classifier: net, from: a, to: c, target: 0, settings: settings)
            #expect(r.barrier.barrierMax <= linear.barrierMax && r.barrier.barrierGap <= linear.barrierGap)
            #expect(r.status == .stepCap)
            #expect(r.path.vertices.count == (r.points[0].improves ? 3 : 2))
            #expect(r.points[0].bestStep == p.bestStep)
        }
        // One giant step only overshoots (even with early stop on): the straight path is returned.
        var giant = BypassSettings.untrained
        giant.learningRate = 50
        giant.iterations = 1
        giant.pointsPerSegment = 251
        let g = try BarrierBypass.run(classifier: net, from: a, to: c, target: 0, settings: giant)
        #expect(!g.points[0].improves && g.deviation == 0 && g.barrier == linear && g.status == .stepCap)
        // At lr 5 an early iterate lands in the valley before the run overshoots for good: that
        // iterate is kept, and it removes most of the barrier.
        var moderate = giant
        moderate.learningRate = 5
        moderate.iterations = 40
        let m = try BarrierBypass.run(classifier: net, from: a, to: c, target: 0, settings: moderate)
        #expect(m.points[0].improves && m.points[0].bestStep < 40)
        #expect(m.barrier.barrierGap < 0.5 * linear.barrierGap)
    }

    @Test func bypassReportsWhetherTheCriterionWasMet() throws {
        let met = try BarrierBypass.run(classifier: valleyNetwork(), from: [-2, 0], to: [2, 0], target: 0)
        #expect(met.status == .met && met.points.allSatisfy { $0.stop == .criterion && $0.improves })
        var capped = BypassSettings.trained
        capped.iterations = 1
        let r = try BarrierBypass.run(classifier: valleyNetwork(), from: [-2, 0], to: [2, 0], target: 0, settings: capped)
        #expect(r.status == .stepCap && r.points.count == 1 && r.points[0].steps == 1)
    }
}

@Suite struct InputSpaceSynthesisTests {
    @Test func featureVisualizationDrivesTheLossBelowTheThreshold() throws {
        let net = try TinyReLUNetwork.random(inputs: 16, hidden: 24, classes: 4, seed: 61)
        for target in 0..<4 {
            let r = try FeatureVisualization().synthesize(classifier: net, target: target,
                                                          rng: RandomGenerator(seed: UInt64(target)))
            #expect(r.loss < 5e-4)
            #expect(r.steps < 8192)
            #expect(abs(net.loss(r.input.map(Double.init), target: target) - r.loss) < 1e-5)
            #expect(try net.predictions(r.input, count: 1) == [target])
        }
    }

    @Test func targetedAttackReachesItsTargetAndStopsAtTheReferenceLoss() throws {
        let net = try TinyReLUNetwork.random(inputs: 16, hidden: 24, classes: 4, seed: 71)
        let rng = try RandomGenerator(seed: 72)
        for trial in 0..<4 {
            let x = (0..<16).map { _ in Float(rng.gaussian()) }
            let source = try net.predictions(x, count: 1)[0]
            let target = (source + 1 + trial % 3) % 4
            let r = try TargetedAttack().run(classifier: net, source: x, target: target, stopLoss: 0.2)
            #expect(r.succeeded && r.prediction == target)
            // Stops at the first iterate below the reference loss; else runs all 1024 steps.
            #expect(r.loss < 0.2 ? r.steps < 1024 : r.steps == 1024)
            #expect(abs(net.loss(r.input.map(Double.init), target: target) - r.loss) < 1e-5)
        }
    }

    @Test func fgsmAndPGDStayInTheBallAndReachTheTarget() throws {
        let net = try TinyReLUNetwork.random(inputs: 16, hidden: 24, classes: 4, seed: 81)
        let rng = try RandomGenerator(seed: 82)
        let box = InputBox(lower: -3, upper: 3)
        for _ in 0..<4 {
            let x = (0..<16).map { _ in Float(rng.uniform() * 2 - 1) }
            let source = try net.predictions(x, count: 1)[0]
            let target = (source + 1) % 4
            var pgd = PGDAttack(epsilon: 2, stepSize: 0.05, steps: 150)
            pgd.box = box
            let p = try pgd.run(classifier: net, source: x, goal: .targeted(target))
            #expect(p.succeeded)
            #expect(zip(p.input, x).allSatisfy { abs($0 - $1) <= 2 + 1e-6 })
            let u = try PGDAttack(epsilon: 2, stepSize: 0.05, steps: 150)
                .run(classifier: net, source: x, goal: .untargeted(trueClass: source))
            #expect(u.succeeded && u.prediction != source)
            // FGSM moves every coordinate with a non-zero gradient by exactly ε and lowers the targeted loss.
            let f = try FGSMAttack(epsilon: 0.05).run(classifier: net, source: x, goal: .targeted(target))
            let g = try net.crossEntropyWithInputGradient(x, targets: [target]).gradients
            for j in 0..<16 where g[j] != 0 { #expect(abs(abs(f.input[j] - x[j]) - 0.05) < 1e-6) }
            #expect(f.loss < net.loss(x.map(Double.init), target: target))
        }
    }
}

@Suite struct InputSpaceDetectionTests {
    @Test func detectorSeparatesSeparableScoresAndKeepsTheBaselineBeside() throws {
        let rng = try RandomGenerator(seed: 91)
        func sample(_ adversarial: Bool) -> DetectionFeatures {
            let shift = adversarial ? 3.0 : 0.0
            let barrier = 0.5 + rng.uniform() + shift        // separable: [0.5,1.5) vs [3.5,4.5)
            return DetectionFeatures(predicted: 0, confidence: rng.uniform(), barrierMax: barrier,
                                     barrierGap: barrier - 0.5, curve: (0..<4).map { _ in rng.gaussian() + shift },
                                     sortedLogits: [rng.gaussian(), rng.gaussian()])
        }
        let real = (0..<60).map { _ in sample(false) }, adversarial = (0..<40).map { _ in sample(true) }
        let outcomes = try BarrierDetector.evaluate(real: real, adversarial: adversarial, resamples: 200, seed: 1)
        #expect(outcomes.map(\.score) == DetectionScore.allCases)
        for o in outcomes {
            #expect(o.summary.negatives == 30 && o.summary.positives == 20)
            #expect(o.summary.aurocLow <= o.summary.auroc && o.summary.auroc <= o.summary.aurocHigh)
        }
        let by = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.score, $0.summary) })
        #expect(by[.barrierMax]?.auroc == 1 && by[.barrierMax]?.tprAt5FPR == 1)
        #expect(by[.barrierGap]?.auroc == 1)
        #expect(by[.curveClassifier]?.auroc == 1)
        // The uninformative confidence score sits near chance: its interval contains 0.5.
        #expect((by[.confidence]?.aurocLow ?? 1) < 0.5 && 0.5 < (by[.confidence]?.aurocHigh ?? 0))
    }

    @Test func featuresOfAnInputAgainstItselfHaveAFlatCurve() throws {
        let net = try TinyReLUNetwork.random(inputs: 9, hidden: 7, classes: 3, seed: 95)
        let x: [Float] = (0..<9).map { Float($0) * 0.1 }
        let c = try net.predictions(x, count: 1)[0]
        let f = try BarrierDetector.features(classifier: net, input: x, predicted: c, references: [x, x], points: 50, curvePoints: 5)
        #expect(f.barrierGap == 0)
        #expect(f.curve.allSatisfy { abs($0 - f.confidence) < 1e-6 })
        #expect(abs(f.barrierMax - f.confidence) < 1e-6)
        #expect(f.sortedLogits == f.sortedLogits.sorted(by: >) && f.sortedLogits.count == 3)
    }
}
