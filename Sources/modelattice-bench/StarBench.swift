import Connectivity
import Foundation
import NetworkCore
import Support

/// Benchmark group "star": one star-center step (T = 3 interpolated points, each a forward and
/// backward pass on a 128-example minibatch, plus the Adam update) of mlp:784-500-300-10, beside
/// the baseline of one plain gradient evaluation on the same minibatch (ideal ratio ≈ 3); and a
/// path point (loss and accuracy on 5000 + 10000 examples) beside one forward pass of 1024; a
/// center check (5 spokes at 11 points on 2000 + 2000 examples, the quick profile's) beside one
/// path point there; and the small CNN's star-center step beside its plain gradient evaluation.
enum StarBench {
    static func run() throws {
        print("== star (machine shared with other builds: timings are noisy) ==")
        BLAS.setThreads(ParallelMap.defaultThreads)
        let spec = "mlp:784-500-300-10"
        let data = try GaussianMixture.make(classes: 10, shape: [784], count: 15000, sigma: 1, seed: 3)
        let nets = try Sequential.ensemble(spec: spec, count: 2, seed: 5)
        let minima = nets.map(\.parameters)
        let risk = try StarNetworkRisk(template: nets[0], data: data, batchSize: 128, seed: 9)
        let baseline = try Bench.median(runs: 5) { _ = try risk(minima[0], 0) }
        var step = 0
        let center = try Bench.median(runs: 5) {
            step += 1
            _ = try StarCenter.optimize(minima: minima, configuration: StarCenterConfiguration(steps: 1, seed: UInt64(step)),
                                        risk: { try risk($0, $1) })
        }
        Bench.report("star-center step (3 t-samples, batch 128)", value: center, baseline: baseline, unit: "s")
        let evaluator = StarPathEvaluator(template: nets[0], train: data.prefix(5000), test: data.prefix(10000))
        let ws = Workspace(model: nets[0], capacity: 1024)
        let x = Array(data.images[0..<(1024 * 784)])
        let forward = Bench.median(runs: 5) { _ = nets[0].outputs(x, count: 1024, workspace: ws) }
        let point = Bench.median(runs: 3) { _ = evaluator.evaluate(minima[1]) }
        Bench.report("path point (5000 train + 10000 test examples)", value: point, baseline: forward, unit: "s")
        print(String(format: "  5-minimum star at 61 points: %d points ≈ %.0f s of evaluation; 1500 center steps ≈ %.0f s",
                     (10 + 5) * 61, Double((10 + 5) * 61) * point, 1500 * center))

        let five = try Sequential.ensemble(spec: spec, count: 5, seed: 6).map(\.parameters)
        let quick = StarPathEvaluator(template: nets[0], train: data.prefix(2000), test: data.prefix(2000))
        let quickPoint = Bench.median(runs: 3) { _ = quick.evaluate(minima[1]) }
        let check = Bench.median(runs: 3) {
            _ = StarCheckpoint.measure(evaluator: quick, minima: five, center: minima[0], lambda: 0, points: 11)
        }
        Bench.report("center check (5 spokes × 11 points, 2000 + 2000 examples)", value: check, baseline: quickPoint, unit: "s")

        let cnnSpec = "cnn:1x28x28:c32k3p1-r-m2-c64k3p1-r-m2-f-l256-r-l10"
        let cnns = try Sequential.ensemble(spec: cnnSpec, count: 2, seed: 7)
        let cnnRisk = try StarNetworkRisk(template: cnns[0], data: data, batchSize: 128, seed: 9)
        let cnnMinima = cnns.map(\.parameters)
        let cnnBaseline = try Bench.median(runs: 3) { _ = try cnnRisk(cnnMinima[0], 0) }
        let cnnCenter = try Bench.median(runs: 3) {
            step += 1
            _ = try StarCenter.optimize(minima: cnnMinima, configuration: StarCenterConfiguration(steps: 1, seed: UInt64(step)),
                                        risk: { try cnnRisk($0, $1) })
        }
        Bench.report("CNN star-center step (3 t-samples, batch 128)", value: cnnCenter, baseline: cnnBaseline, unit: "s")
        let cnnEval = StarPathEvaluator(template: cnns[0], train: data.prefix(1000), test: data.prefix(1000))
        let cnnPoint = Bench.median(runs: 3) { _ = cnnEval.evaluate(cnnMinima[1]) }
        print(String(format: "  CNN path point: %.3f ms per example (forward); MLP: %.3f ms",
                     cnnPoint / 2000 * 1e3, quickPoint / 4000 * 1e3))
    }
}
