import Testing
import TestSupport
@testable import NetworkCore
import Support

/// Every layer kind: forward against the Double reference, and backward (input AND parameter
/// gradients, batched) against central finite differences of the Double reference of
/// L = Σ r ⊙ f(x) for a fixed random r (so dy = r).
@Suite struct GradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let make: @Sendable () -> any Layer
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Linear") { Linear(7, 5) },
        Case(name: "Linear no bias") { Linear(6, 3, bias: false) },
        Case(name: "Conv2d k3 p1") { Conv2d(inChannels: 2, outChannels: 3, kernel: 3, stride: 1, padding: 1, height: 6, width: 5) },
        Case(name: "Conv2d k3 s2 p1") { Conv2d(inChannels: 2, outChannels: 4, kernel: 3, stride: 2, padding: 1, height: 7, width: 7) },
        Case(name: "Conv2d k2 no bias") { Conv2d(inChannels: 3, outChannels: 2, kernel: 2, stride: 1, padding: 0, height: 5, width: 4, bias: false) },
        Case(name: "MaxPool2d k2") { MaxPool2d(kernel: 2, channels: 2, height: 6, width: 6) },
        Case(name: "MaxPool2d k3 s2 p1") { MaxPool2d(kernel: 3, stride: 2, padding: 1, channels: 2, height: 7, width: 6) },
        Case(name: "AvgPool2d k2") { AvgPool2d(kernel: 2, channels: 2, height: 6, width: 4) },
        Case(name: "AvgPool2d k3 s2 p1") { AvgPool2d(kernel: 3, stride: 2, padding: 1, channels: 2, height: 7, width: 6) },
        Case(name: "Flatten") { Flatten(inputShape: [2, 3, 4]) },
        Case(name: "ReLU") { Activation(.relu, shape: [11]) },
        Case(name: "Tanh") { Activation(.tanh, shape: [2, 3, 3]) },
        Case(name: "GELU") { Activation(.gelu, shape: [13]) },
        Case(name: "BatchNorm2d") { BatchNorm2d(channels: 3, height: 4, width: 3) },
    ]

    @Test(arguments: cases)
    func layerGradients(_ c: Case) throws {
        let layer = c.make()
        let n = 3
        let model = try Sequential(spec: "test", inputShape: layer.inputShape, layers: [layer])
        let x = gaussianValues(n * layer.inputSize, seed: 11)
        var theta = gaussianValues(model.parameterCount, seed: 12, sigma: 0.5)
        var buffers = model.buffers
        if layer is BatchNorm2d {
            // Nontrivial running statistics: mean N(0, 1), variance in [0.5, 2].
            let ch = (layer as! BatchNorm2d).channels
            let g = gaussianValues(2 * ch, seed: 13)
            for i in 0..<ch { buffers[i] = g[i]; buffers[ch + i] = 0.5 + abs(g[ch + i]) }
            buffers[2 * ch] = 7
            for i in 0..<ch { theta[i] += 1 }
        }
        var m = model
        m.parameters = theta
        m.buffers = buffers
        let r = gaussianValues(n * layer.outputSize, seed: 14)

        let xd = x.map(Double.init), td = theta.map(Double.init), bd = buffers.map(Double.init)
        func reference(_ xv: [Double], _ tv: [Double]) -> [Double] {
            Reference.forward(layer, xv, batch: n, parameters: tv, buffers: bd)
        }
        let b = GradientCheck.backward(m, x: x, batch: n, cotangent: r)
        #expect(GradientCheck.relativeError(b.y, reference(xd, td)) < 1e-5, "\(c.name) forward")
        let fd = GradientCheck.referenceGradients(x: xd, theta: td, cotangent: r.map(Double.init), h: 1e-6, reference)
        #expect(GradientCheck.relativeError(b.inputGradient, fd.input) < 1e-4, "\(c.name) input gradient")
        if !td.isEmpty { #expect(GradientCheck.relativeError(b.parameterGradient, fd.parameters) < 1e-4, "\(c.name) parameter gradient") }
    }

    /// Whole models with softmax cross-entropy: per-example input gradients (no batch averaging)
    /// and the mean-loss parameter gradient against finite differences of the Double reference.
    @Test(arguments: ["mlp:12-8-7-4:tanh", "mlp:12-9-5:gelu", "cnn:2x6x6:c3k3p1-b-r-m2-c4k2-t-f-l5"])
    func modelCrossEntropyGradients(spec: String) throws {
        var model = try Sequential.random(spec: spec, initialization: .pytorchDefault, seed: 3)
        if spec.contains("-b-") {
            // Give the BatchNorm running statistics non-trivial values.
            for i in 0..<3 { model.buffers[i] = Float(i) * 0.1 - 0.1; model.buffers[3 + i] = 0.7 + Float(i) * 0.2 }
        }
        let n = 4, d = model.inputSize, k = model.outputSize
        let x = gaussianValues(n * d, seed: 21)
        let labels: [Int32] = [0, 3, 1, 2].map { Int32($0 % k) }
        let (losses, g) = model.crossEntropy(x, labels: labels)
        let xd = x.map(Double.init), td = model.parameters.map(Double.init)
        func lossOf(example i: Int, _ xi: [Double]) -> Double {
            Reference.crossEntropySum(Reference.forward(model, xi, batch: 1, parameters: td), labels: [labels[i]], classes: k)
        }
        let h = 1e-6
        for i in 0..<n {
            let xi = Array(xd[(i * d)..<((i + 1) * d)])
            #expect(abs(Double(losses[i]) - lossOf(example: i, xi)) < 1e-5 * max(1, abs(Double(losses[i]))))
            let fd = GradientCheck.finiteDifferences(xi, h: h) { lossOf(example: i, $0) }
            let mine = g[(i * d)..<((i + 1) * d)].map(Double.init)
            #expect(GradientCheck.relativeError(mine, fd) < 1e-4, "example \(i) input gradient")
        }
        let (meanLoss, pg) = model.crossEntropyParameterGradient(x, labels: labels)
        func meanLossOf(_ t: [Double]) -> Double {
            Reference.crossEntropySum(Reference.forward(model, xd, batch: n, parameters: t), labels: labels, classes: k) / Double(n)
        }
        #expect(abs(meanLoss - meanLossOf(td)) < 1e-5)
        let fd = GradientCheck.finiteDifferences(td, h: h, meanLossOf)
        #expect(GradientCheck.relativeError(pg.map(Double.init), fd) < 1e-4)
    }

    /// The im2col path with several chunks (batch larger than one chunk) against naive loops.
    @Test func convolutionAcrossChunksMatchesNaiveLoops() throws {
        let conv = Conv2d(inChannels: 3, outChannels: 4, kernel: 3, stride: 1, padding: 1, height: 28, width: 28)
        let n = conv.chunkSize(batch: 10_000) + 5
        #expect(n < 1000 && conv.chunkSize(batch: n) < n)
        var model = try Sequential(spec: "conv", inputShape: conv.inputShape, layers: [conv])
        model.parameters = gaussianValues(model.parameterCount, seed: 5, sigma: 0.3)
        let x = gaussianValues(n * conv.inputSize, seed: 6)
        let y = model.outputs(x, count: n, chunk: n)
        let ref = Reference.forward(conv, x.map(Double.init), batch: n, parameters: model.parameters.map(Double.init), buffers: [])
        #expect(GradientCheck.relativeError(y.map(Double.init), ref) < 1e-5)
        // Backward over several chunks equals the sum of per-image backward passes.
        let r = gaussianValues(n * conv.outputSize, seed: 7)
        let ws = Workspace(model: model, capacity: n)
        _ = x.withUnsafeBufferPointer { model.forward($0.baseAddress!, batch: n, workspace: ws) }
        r.withUnsafeBufferPointer { model.backward($0.baseAddress!, batch: n, workspace: ws) }
        let gAll = ws.parameterGradient.map(Double.init)
        let dxAll = Array(UnsafeBufferPointer(start: ws.inputGradient, count: n * conv.inputSize))
        var gSum = [Double](repeating: 0, count: model.parameterCount)
        let one = Workspace(model: model, capacity: 1)
        for i in [0, n / 2, n - 1] {
            _ = x.withUnsafeBufferPointer { model.forward($0.baseAddress! + i * conv.inputSize, batch: 1, workspace: one) }
            r.withUnsafeBufferPointer { model.backward($0.baseAddress! + i * conv.outputSize, batch: 1, workspace: one) }
            let dxi = Array(UnsafeBufferPointer(start: one.inputGradient, count: conv.inputSize))
            #expect(GradientCheck.relativeError(dxi.map(Double.init), dxAll[(i * conv.inputSize)..<((i + 1) * conv.inputSize)].map(Double.init)) < 1e-6)
        }
        for i in 0..<n {
            _ = x.withUnsafeBufferPointer { model.forward($0.baseAddress! + i * conv.inputSize, batch: 1, workspace: one) }
            r.withUnsafeBufferPointer { model.backward($0.baseAddress! + i * conv.outputSize, batch: 1, workspace: one) }
            for j in gSum.indices { gSum[j] += Double(one.parameterGradient[j]) }
        }
        #expect(GradientCheck.relativeError(gAll, gSum) < 1e-5)
    }

    /// crossEntropyGradient: the returned loss sum is Σ_n CE(f(x_n), y_n) and the gradient in the
    /// workspace is ∂/∂θ of the batch mean, against central finite differences of that mean.
    @Test func crossEntropyGradientMatchesFiniteDifferences() throws {
        var model = try ArchitectureSpec.build("mlp:6-5-4:tanh")
        model.parameters = gaussianValues(model.parameterCount, seed: 31, sigma: 0.7)
        let n = 3
        let x = gaussianValues(n * 6, seed: 32)
        let labels: [Int32] = [0, 3, 1]
        let ws = Workspace(model: model, capacity: n)
        var scratch = [Float](repeating: 0, count: n * 4)
        func meanLoss(_ theta: [Float]) -> Double {
            var m = model
            m.parameters = theta
            let w = Workspace(model: m, capacity: n)
            let z = x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: m.forward($0.baseAddress!, batch: n, workspace: w), count: n * 4)) }
            let r = z.withUnsafeBufferPointer { zp in labels.withUnsafeBufferPointer { CrossEntropy.evaluate(logits: zp.baseAddress!, labels: $0.baseAddress!, batch: n, classes: 4) } }
            return r.lossSum / Double(n)
        }
        let r = model.crossEntropyGradient(x, labels: labels, batch: n, workspace: ws, logitGradient: &scratch)
        #expect(abs(r.lossSum / Double(n) - meanLoss(model.parameters)) < 1e-6)
        let g = ws.parameterGradient.map(Double.init)
        var fd = [Double](repeating: 0, count: g.count)
        let h: Float = 1e-2
        for j in g.indices {
            var plus = model.parameters, minus = model.parameters
            plus[j] += h
            minus[j] -= h
            fd[j] = (meanLoss(plus) - meanLoss(minus)) / Double(2 * h)
        }
        #expect(GradientCheck.relativeError(g, fd) < 2e-3, "relative error \(GradientCheck.relativeError(g, fd))")
    }
}
