import Connectivity
import Foundation
import NetworkCore
import Support

/// Growth group: a 10^4-site cluster of the anchor on the full 784-dimensional lattice
/// anchor + h·Z^784 through an untrained mlp:784-256-256-10, every cluster site's up-to-1568
/// neighbours scored as one batch with the first layer applied algebraically (issue 18 target:
/// ≤ 30 s on 2 cores, ≈ 1.6·10^7 neighbour evaluations if every cluster site had its whole shell
/// evaluated). Rule shell-quantile:0.002 (3 open first-shell sites). Measured 2026-12-01: this
/// untrained ReLU network's open fraction beyond the shell is ~0.65 (scale-free rays, as the issue's
/// prototype found), so the cap is reached after ~1.7·10^4 evaluations, not 1.6·10^7; the line
/// printed gives the evaluation count and rate, and the 1.6·10^7 case extrapolated from it. Baseline in the same process: the plain full forward pass of
/// the same number of inputs (neighbours a ± h e_j), chunks of 256 on 2 threads, timed on 1/16 of
/// them and scaled by 16.
enum GrowthBench {
    static func run() throws {
        let model = try Sequential.random(spec: "mlp:784-256-256-10", seed: 1)
        let net = NetworkClassifier(model)
        let anchorRNG = try RandomGenerator(seed: 2)
        let anchor = (0..<784).map { _ in Float(anchorRNG.uniform()) }
        let target = try net.predictions(anchor, count: 1)[0]
        BLAS.setThreads(1)
        let growth = try AnchorClusterGrowth(anchor: anchor, spacing: 1, rule: .shellQuantile(0.002), target: target,
                                             cap: 10_000, threads: 2)
        let t0 = Bench.now()
        let r = try growth.run(classifier: net)
        let t1 = Bench.now()
        // Baseline: full forwards of evaluations/16 neighbour inputs.
        let part = max(256, r.evaluations / 16)
        let chunk = 256, chunks = (part + chunk - 1) / chunk
        let b0 = Bench.now()
        _ = try ParallelMap.map(count: chunks, threads: 2) { c -> Float in
            let m = min(chunk, part - c * chunk)
            var x = [Float](repeating: 0, count: m * 784)
            for i in 0..<m {
                let site = c * chunk + i, j = (site / 2) % 784
                for k in 0..<784 { x[i * 784 + k] = anchor[k] }
                x[i * 784 + j] += site % 2 == 0 ? 1 : -1
            }
            return try net.logits(x, count: m)[0]
        }
        let b1 = Bench.now()
        let ours = t1 - t0, baseline = (b1 - b0) * Double(r.evaluations) / Double(part)
        print(String(format: "growth: cluster %d (survived %d), %d evaluations, radius %d, %d generations, open fraction %.5f, tied share %.4f, %.0f evaluations/s",
                     r.clusterSize, r.survived ? 1 : 0, r.evaluations, r.radius, r.generations.count,
                     r.openFraction ?? .nan, r.tiedShare ?? .nan, Double(r.evaluations) / ours))
        Bench.report("growth 10^4 sites mlp:784-256-256-10 on Z^784 (2 thr)", value: ours, baseline: baseline, unit: "s")
        // The 30 s target assumes every cluster site's whole shell is scored (a cluster grown
        // near p_c(n)): 10^4 · 1568 ≈ 1.6·10^7 evaluations. This network's cluster needs far fewer
        // (the count above), so that case is extrapolated at the measured rates, not timed.
        let full = 10_000.0 * 1568
        print(String(format: "growth: at these rates, 1.6e7 evaluations (every shell of a 10^4-site cluster) would take %.1f s (extrapolated; full-forward baseline %.1f s; target <= 30 s)",
                     full / (Double(r.evaluations) / ours), full / (Double(r.evaluations) / baseline)))
    }
}
