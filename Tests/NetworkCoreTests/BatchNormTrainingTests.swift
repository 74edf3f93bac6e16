import Testing
import TestSupport
@testable import NetworkCore
import Support

/// BatchNorm2d in training mode: batch statistics, PyTorch's running-average update, gradients.
@Suite struct BatchNormTrainingTests {
    @Test func runningStatisticsFollowPyTorchUpdate() throws {
        // One channel, values 1, 2, 3, 4 (N = 2, 1×2): μ = 2.5, biased σ² = 1.25, unbiased 5/3.
        var model = try Sequential(spec: "bn", inputShape: [1, 1, 2], layers: [BatchNorm2d(channels: 1, height: 1, width: 2)])
        try model.initialize(.pytorchDefault, seed: 1)
        let ws = Workspace(model: model, capacity: 2)
        let x: [Float] = [1, 2, 3, 4]
        let y = x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: model.forwardTraining($0.baseAddress!, batch: 2, workspace: ws), count: 4)) }
        let inv = 1 / (1.25 + 1e-5).squareRoot()
        for (k, v) in [1.0, 2, 3, 4].enumerated() { #expect(abs(Double(y[k]) - (v - 2.5) * inv) < 1e-6) }
        #expect(abs(model.buffers[0] - 0.25) < 1e-7)                     // 0.9·0 + 0.1·2.5
        #expect(abs(Double(model.buffers[1]) - (0.9 + 0.1 * 5.0 / 3.0)) < 1e-6)
        #expect(model.buffers[2] == 1)
        // Inference mode leaves the buffers alone and uses them.
        let before = model.buffers
        let z = x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: model.forward($0.baseAddress!, batch: 2, workspace: ws), count: 4)) }
        #expect(model.buffers == before)
        let s = 1 / (Double(before[1]) + 1e-5).squareRoot()
        #expect(abs(Double(z[3]) - (4 - Double(before[0])) * s) < 1e-6)
    }

    @Test func trainingModeGradientsMatchFiniteDifferences() throws {
        let layer = BatchNorm2d(channels: 2, height: 3, width: 2)
        var model = try Sequential(spec: "bn", inputShape: layer.inputShape, layers: [layer])
        let n = 3
        let x = gaussianValues(n * layer.inputSize, seed: 21)
        model.parameters = gaussianValues(4, seed: 22, sigma: 0.5).enumerated().map { $0.offset < 2 ? $0.element + 1 : $0.element }
        let r = gaussianValues(n * layer.outputSize, seed: 23)
        let b = GradientCheck.backward(model, x: x, batch: n, cotangent: r, training: true)
        let fd = GradientCheck.referenceGradients(x: x.map(Double.init), theta: model.parameters.map(Double.init),
                                                  cotangent: r.map(Double.init)) { xv, t in
            ResNetReference.batchNorm(xv, n: n, c: 2, q: 6, gamma: Array(t[0..<2]), beta: Array(t[2..<4]),
                                      runningMean: [0, 0], runningVar: [1, 1], eps: 1e-5, training: true)
        }
        let dx = b.inputGradient
        #expect(GradientCheck.relativeError(dx, fd.input) < 1e-4)
        #expect(GradientCheck.relativeError(b.parameterGradient, fd.parameters) < 1e-4)
        // The gradient of a training-mode BN sums to zero over each channel (shift invariance).
        for c in 0..<2 {
            var s = 0.0
            for i in 0..<n { for t in 0..<6 { s += dx[(i * 2 + c) * 6 + t] } }
            #expect(abs(s) < 1e-4)
        }
    }
}

