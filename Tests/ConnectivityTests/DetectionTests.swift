import Testing
@testable import Connectivity
import Support

@Suite struct ROCTests {
    @Test func aurocMatchesHandComputedExample() {
        // Positives {0.9, 0.6, 0.4}, negatives {0.5, 0.3, 0.4}: of the 9 pairs, 0.9 beats 3,
        // 0.6 beats 3, 0.4 beats 0.3 and ties 0.4 (half) → (3 + 3 + 1.5) / 9 = 0.8333…
        let a = ROC.auroc(positives: [0.9, 0.6, 0.4], negatives: [0.5, 0.3, 0.4])
        #expect(abs(a - 7.5 / 9) < 1e-12)
        #expect(ROC.auroc(positives: [2, 3], negatives: [0, 1]) == 1)
        #expect(ROC.auroc(positives: [0, 1], negatives: [2, 3]) == 0)
        #expect(ROC.auroc(positives: [1, 1], negatives: [1, 1]) == 0.5)
    }

    @Test func aurocEqualsPairCountingOnRandomScores() throws {
        let rng = try RandomGenerator(seed: 3)
        let p = (0..<57).map { _ in (rng.gaussian() * 10).rounded() / 10 + 0.3 }
        let n = (0..<43).map { _ in (rng.gaussian() * 10).rounded() / 10 }
        var wins = 0.0
        for x in p { for y in n { wins += x > y ? 1 : (x == y ? 0.5 : 0) } }
        #expect(abs(ROC.auroc(positives: p, negatives: n) - wins / Double(p.count * n.count)) < 1e-12)
    }

    @Test func tprAtFivePercentFPR() {
        // 20 negatives 0..19; one false positive allowed (5%). Threshold 18.5 flags negative 19 only
        // (FPR 1/20) and positives 25, 21, 19, 18.5 (TPR 4/5); any lower threshold flags negative 18.
        let negatives = (0..<20).map(Double.init)
        let positives: [Double] = [25, 21, 19, 18.5, 3]
        #expect(ROC.tpr(positives: positives, negatives: negatives) == 4.0 / 5)
        #expect(ROC.tpr(positives: positives, negatives: negatives, atFPR: 0) == 2.0 / 5)
    }

    @Test func bootstrapIntervalBracketsThePointAndNarrowsWithData() throws {
        let rng = try RandomGenerator(seed: 4)
        let small = try ROC.summary(positives: (0..<30).map { _ in rng.gaussian() + 1 },
                                    negatives: (0..<30).map { _ in rng.gaussian() }, resamples: 400, seed: 1)
        let large = try ROC.summary(positives: (0..<600).map { _ in rng.gaussian() + 1 },
                                    negatives: (0..<600).map { _ in rng.gaussian() }, resamples: 400, seed: 1)
        #expect(small.aurocLow <= small.auroc && small.auroc <= small.aurocHigh)
        #expect(large.aurocLow <= large.auroc && large.auroc <= large.aurocHigh)
        #expect(large.aurocHigh - large.aurocLow < small.aurocHigh - small.aurocLow)
        // True AUROC for N(1,1) vs N(0,1) is Φ(1/√2) ≈ 0.7602.
        #expect(large.aurocLow < 0.7602 && 0.7602 < large.aurocHigh)
    }
}

@Suite struct LogisticRegressionTests {
    @Test func recoversAKnownSeparatingDirection() throws {
        let rng = try RandomGenerator(seed: 8)
        var x: [[Double]] = [], y: [Bool] = []
        for _ in 0..<2000 {
            let a = rng.gaussian(), b = rng.gaussian(), c = rng.gaussian()
            let logit = 2 * a - 1 * b + 0.5
            x.append([a, b, c]); y.append(rng.uniform() < 1 / (1 + (-logit).exp()))
        }
        var model = LogisticRegression(lambda: 1e-3)
        try model.fit(x, y)
        // Features are standardised (≈ unit variance here), so weights ≈ the true coefficients.
        #expect(abs(model.weights[0] - 2) < 0.3)
        #expect(abs(model.weights[1] + 1) < 0.2)
        #expect(abs(model.weights[2]) < 0.15)
        #expect(model.probability([3, -3, 0]) > 0.99)
    }

    @Test func choleskySolvesASmallSystem() throws {
        let x = try LogisticRegression.choleskySolve([4, 2, 2, 3], [2, 5], 2)
        #expect(abs(x[0] - (-0.5)) < 1e-12 && abs(x[1] - 2) < 1e-12)
    }
}

private extension Double { func exp() -> Double { Foundation.exp(self) } }
import Foundation
