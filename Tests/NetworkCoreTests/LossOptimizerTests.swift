import Foundation
import Testing
@testable import NetworkCore
import Support

@Suite struct LossTests {
    @Test func crossEntropyExactValuesAndStability() {
        // Two equal logits: ℓ = ln 2, gradient (½ − 1, ½).
        var losses = [Float](repeating: 0, count: 3)
        var grad = [Float](repeating: 0, count: 6)
        let z: [Float] = [0, 0, 1000, -1000, -1000, 1000]
        let y: [Int32] = [0, 0, 0]
        let r = CrossEntropy.evaluate(logits: z, labels: y, batch: 3, classes: 2, losses: &losses, gradient: &grad, scale: 1)
        #expect(abs(losses[0] - Float(M_LN2)) < 1e-7)
        #expect(losses[1] == 0)            // a confident right answer: exactly zero, no overflow
        #expect(losses[2] == 2000)         // a confident wrong answer: the logit gap, no inf
        #expect(zip(grad, [-0.5, 0.5, 0, 0, -1, 1] as [Float]).allSatisfy { abs($0 - $1) < 1e-7 })
        #expect(r.correct == 2)            // ties go to the first class, as argmax does
        #expect(abs(r.lossSum - (M_LN2 + 2000)) < 1e-4)
    }

    @Test func meanSquaredErrorMatchesDefinition() {
        let z: [Float] = [1, 2, 3, 4], t: [Float] = [0, 2, 5, 4]
        var g = [Float](repeating: 0, count: 4)
        var l = [Float](repeating: 0, count: 2)
        let total = MeanSquaredError.evaluate(outputs: z, targets: t, batch: 2, features: 2, losses: &l, gradient: &g, scale: 0.5)
        #expect(l == [0.5, 2])
        #expect(total == 2.5)
        #expect(g == [0.5, 0, -1, 0])     // ½ · 2(z − t)/K
    }
}

@Suite struct OptimizerTests {
    @Test func sgdMomentumFollowsPyTorch() {
        var opt = SGD(learningRate: 0.1, momentum: 0.9)
        var theta: [Float] = [1, -1]
        opt.step(&theta, gradient: [1, 2])          // v = g
        #expect(theta == [1 - 0.1, -1 - 0.2])
        opt.step(&theta, gradient: [1, 2])          // v = 0.9 v + g = 1.9 g
        #expect(abs(theta[0] - (0.9 - 0.19)) < 1e-6 && abs(theta[1] - (-1.2 - 0.38)) < 1e-6)
    }

    @Test func adamFirstStepIsLearningRateTimesSign() {
        var opt = Adam(learningRate: 0.01)
        var theta: [Float] = [0, 0, 0]
        opt.step(&theta, gradient: [3, -0.5, 0])
        // m̂ = g, v̂ = g²: step = lr·g/(|g| + ε).
        #expect(abs(theta[0] + 0.01) < 1e-7 && abs(theta[1] - 0.01) < 1e-7 && theta[2] == 0)
        // Second step with the same gradient: m̂ = g, v̂ = g² again.
        opt.step(&theta, gradient: [3, -0.5, 0])
        #expect(abs(theta[0] + 0.02) < 1e-6)
    }

    @Test func adamWDecouplesWeightDecay() {
        var w = Adam.adamW(learningRate: 0.1, weightDecay: 0.5)
        var theta: [Float] = [2]
        w.step(&theta, gradient: [0])
        #expect(abs(theta[0] - 2 * (1 - 0.05)) < 1e-6)     // pure decay, no gradient step
        var l2 = Adam(learningRate: 0.1, weightDecay: 0.5)
        var t2: [Float] = [2]
        l2.step(&t2, gradient: [0])
        #expect(abs(t2[0] - 1.9) < 1e-6)                   // g = λθ = 1 → step lr·sign
    }

    /// All three optimizers decrease a convex quadratic ½‖θ − c‖² to near its minimum.
    @Test(arguments: TrainingConfiguration.OptimizerKind.allCases)
    func optimizersMinimizeAQuadratic(kind: TrainingConfiguration.OptimizerKind) {
        var opt = TrainingConfiguration(epochs: 1, optimizer: kind, learningRate: kind == .sgd ? 0.1 : 0.05, seed: 1).makeOptimizer()
        let c: [Float] = [1, -2, 3]
        var theta: [Float] = [0, 0, 0]
        for _ in 0..<500 { opt.step(&theta, gradient: zip(theta, c).map { $0 - $1 }) }
        #expect(zip(theta, c).allSatisfy { abs($0 - $1) < 0.05 })
    }
}
