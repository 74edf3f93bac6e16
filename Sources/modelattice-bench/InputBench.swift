import Connectivity
import Foundation
import NetworkCore
import Support

/// Input-space connectivity: one pair of the protocol on mlp:784-256-256-10 (a 250-point straight
/// path plus a full 1024-step projected bypass, no early stop), one thread. Baseline: the bare
/// NetworkCore arithmetic the pair needs (one 250-example forward pass, then 1024 single-example
/// forward + input-backward passes in one reused workspace), so the ratio is our overhead.
enum InputBench {
    static func run() throws {
        BLAS.setThreads(1)
        let net = try Sequential.random(spec: "mlp:784-256-256-10", seed: 1)
        let classifier = NetworkClassifier(net)
        let rng = try RandomGenerator(seed: 2)
        let a = (0..<784).map { _ in Float(rng.uniform()) }, c = (0..<784).map { _ in Float(rng.uniform()) }
        var settings = BypassSettings.trained
        settings.earlyStop = false
        let target = 3

        let path = try Bench.median(runs: 7) { _ = try classifier.linearBarrier(from: a, to: c, target: target) }
        let pathBaseline = Bench.median(runs: 7) {
            var batch: [Float] = []
            for j in 0..<250 { let t = Float(j) / 249; batch += zip(a, c).map { $0 + t * ($1 - $0) } }
            _ = net.outputs(batch, count: 250)
        }
        Bench.report("input: 250-point path loss profile", value: path * 1e3, baseline: pathBaseline * 1e3, unit: "ms")

        let pair = try Bench.median(runs: 5) {
            let (_, barrier) = try classifier.linearBarrier(from: a, to: c, target: target)
            let t = barrier.alphaAtMax
            let b = zip(a, c).map { $0 + Float(t) * ($1 - $0) }
            _ = try BarrierBypass.optimizePoint(classifier: classifier, a: a, b: b, c: c, target: target,
                                                segmentBarrier: barrier, settings: settings)
        }
        let ws = Workspace(model: net, capacity: 1)
        let pairBaseline = Bench.median(runs: 5) {
            var batch: [Float] = []
            for j in 0..<250 { let t = Float(j) / 249; batch += zip(a, c).map { $0 + t * ($1 - $0) } }
            _ = net.outputs(batch, count: 250)
            for _ in 0..<1024 { _ = net.crossEntropy(a, labels: [Int32(target)], inputGradient: true, chunk: 1, workspace: ws) }
        }
        Bench.report("input: pair = path + 1024-step bypass (1 thread)", value: pair * 1e3, baseline: pairBaseline * 1e3, unit: "ms")
        print(String(format: "input: target <= 200 ms per pair; measured %.1f ms", pair * 1e3))
    }
}
