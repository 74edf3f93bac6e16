import Connectivity
import Foundation
import NetworkCore
import Support

/// Benchmark group "resnet": resnet18-cifar forward + backward at batch 1 and 128 and one
/// feature-visualization step, beside a PyTorch-free baseline measured in this process: a direct
/// (naive-loop) convolution, timed on layer1's 64→64 3×3 convolution at 32×32 and scaled by the
/// network's multiply-add count — what the network would cost with naive loops.
enum ResNetBench {
    /// y [O, H, W] = direct 3×3 (padding 1, stride 1) convolution of x [C, H, W] with w [O, C, 3, 3].
    static func naiveConv3x3(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             c: Int, o: Int, h: Int, wd: Int) {
        for oc in 0..<o {
            for i in 0..<h {
                for j in 0..<wd {
                    var s: Float = 0
                    for ic in 0..<c {
                        for u in 0..<3 {
                            let yy = i + u - 1
                            if yy < 0 || yy >= h { continue }
                            for v in 0..<3 {
                                let xx = j + v - 1
                                if xx < 0 || xx >= wd { continue }
                                s += w[((oc * c + ic) * 3 + u) * 3 + v] * x[(ic * h + yy) * wd + xx]
                            }
                        }
                    }
                    y[(oc * h + i) * wd + j] = s
                }
            }
        }
    }

    /// Multiply-adds of the convolutions and the classifier of one forward pass.
    static func multiplyAdds(_ model: Sequential) -> Double {
        var total = 0.0
        func conv(_ c: Conv2d) { total += Double(c.outChannels * c.outHeight * c.outWidth * c.inChannels * c.kernel.h * c.kernel.w) }
        for layer in model.layers {
            if let s = layer as? ResNetConv2d { conv(s.conv) }
            if let b = layer as? BasicBlock { b.convolutions.forEach(conv) }
            if let l = layer as? Linear { total += Double(l.inFeatures * l.outFeatures) }
        }
        return total
    }

    static func run() throws {
        print("== resnet (machine shared with other builds: timings are noisy) ==")
        BLAS.setThreads(2)
        let model = try Sequential.random(spec: "resnet18-cifar", seed: 1)
        let macs = multiplyAdds(model)
        print(String(format: "resnet18-cifar: %d parameters, %.3f G multiply-adds per forward", model.parameterCount, macs / 1e9))

        // Baseline: naive direct convolution, 64→64 3×3 at 32×32.
        let x = NetworkBench.values(64 * 32 * 32, seed: 1), w = NetworkBench.values(64 * 64 * 9, seed: 2)
        var y = [Float](repeating: 0, count: 64 * 32 * 32)
        let tNaive = Bench.median(runs: 3) { y.withUnsafeMutableBufferPointer { naiveConv3x3(x, w, $0.baseAddress!, c: 64, o: 64, h: 32, wd: 32) } }
        let naiveRate = Double(64 * 64 * 9 * 32 * 32) / tNaive            // multiply-adds per second
        let conv = Conv2d(inChannels: 64, outChannels: 64, kernel: 3, stride: 1, padding: 1, height: 32, width: 32, bias: false)
        let scratch = LayerScratch()
        var dummy: Float = 0
        let tConv = Bench.median(runs: 5) {
            y.withUnsafeMutableBufferPointer { yp in
                conv.forward(x, yp.baseAddress!, batch: 1, parameters: w, buffers: &dummy, mode: .inference, scratch: scratch)
            }
        }
        Bench.report("conv 64->64 3x3 @32x32 forward, batch 1 (ms)", value: tConv * 1e3, baseline: tNaive * 1e3, unit: "ms")
        // Backward costs about twice the forward, so naive fwd+bwd ≈ 3 × naive forward.
        let naiveStep = 3 * macs / naiveRate

        for batch in [1, 128] {
            let input = NetworkBench.values(batch * 3 * 32 * 32, seed: 3)
            let labels = (0..<batch).map { Int32($0 % 10) }
            let ws = Workspace(model: model, capacity: batch)
            var dz = [Float](repeating: 0, count: batch * 10)
            let t = Bench.median(runs: batch == 1 ? 7 : 3) {
                dz.withUnsafeMutableBufferPointer { d in
                    let z = model.forward(input, batch: batch, workspace: ws)
                    labels.withUnsafeBufferPointer { l in
                        _ = CrossEntropy.evaluate(logits: z, labels: l.baseAddress!, batch: batch, classes: 10, gradient: d.baseAddress!, scale: 1)
                    }
                    model.backward(d.baseAddress!, batch: batch, workspace: ws, inputGradient: true, parameterGradient: true)
                }
            }
            Bench.report("resnet18-cifar fwd+bwd batch \(batch) (ms; naive-loop estimate)", value: t * 1e3,
                         baseline: naiveStep * Double(batch) * 1e3, unit: "ms")
            if batch == 128 {
                print(String(format: "  = %.2f ms per example", t * 1e3 / 128))
            }
        }

        // One feature-visualization step: CE and input gradient of one input through the adapter,
        // then an Adam-like update of the input.
        let classifier = NetworkClassifier(model)
        var image = NetworkBench.values(3 * 32 * 32, seed: 4).map { $0 * 0.01 }
        let tStep = try Bench.median(runs: 7) {
            let r = try classifier.crossEntropyWithInputGradient(image, targets: [3])
            for i in image.indices { image[i] -= 0.05 * (r.gradients[i] >= 0 ? 1 : -1) }
        }
        Bench.report("feature-visualization step, 1 input (ms)", value: tStep * 1e3, baseline: naiveStep * 1e3, unit: "ms")
    }
}
