import Connectivity
import Foundation
import NetworkCore
import Support

/// Growth group (issue 18 target: a 10^4-site full-dimensional cluster of mlp:784-256-256-10, ≈ 1.6·10^7
/// neighbour evaluations, in ≤ 30 s on 2 cores), against the plain full forward in the same run.
///
/// 1. The 1.6·10^7 case, timed: a 10^4-site cluster grown near p_c(n) scores the whole shell (2n =
///    1568 neighbours) of every site. A random tree of 10^4 sites on anchor + h·Z^784 (each site one
///    lattice step from an earlier one) is built first; then every site's full shell is scored
///    through ``NeighbourLogits`` in the growth's batches (shells batched to ≥ 4096 rows, chunks of
///    256 rows on 2 threads, first layer applied algebraically). Baseline: the full forward of the
///    same neighbour inputs, chunks of 256 on 2 threads, timed on 1/16 of them and scaled by 16.
/// 2. A real growth (shell-quantile:0.002, cap 10^4): this untrained ReLU network's open fraction
///    beyond the shell is ~0.65 (rays, as the prototype found), so its cap is reached after
///    ~1.7·10^4 evaluations; reported with its rate, as a check that the growth adds little to scoring.
enum GrowthBench {
    static func run() throws {
        let model = try Sequential.random(spec: "mlp:784-256-256-10", seed: 1)
        let net = NetworkClassifier(model)
        let anchorRNG = try RandomGenerator(seed: 2)
        let anchor = (0..<784).map { _ in Float(anchorRNG.uniform()) }
        let target = try net.predictions(anchor, count: 1)[0]
        BLAS.setThreads(1)
        let n = 784, sites = 10_000

        // 1. Every shell of a 10^4-site tree.
        let scorer = NeighbourLogits(classifier: net, anchor: anchor, spacing: 1, threads: 2)
        let treeRNG = try RandomGenerator(seed: 3)
        var tree = [LatticeDisplacement()]
        while tree.count < sites {
            let parent = treeRNG.uniformInt(tree.count)
            let move = GrowthMove(axis: treeRNG.uniformInt(n), step: treeRNG.uniform() < 0.5 ? -1 : 1)
            guard let site = tree[parent].moved(axis: move.axis, by: move.step) else { continue }
            scorer.adopt(parent: parent, move: move)
            tree.append(site)
        }
        let shell = (0..<n).flatMap { [GrowthMove(axis: $0, step: -1), GrowthMove(axis: $0, step: 1)] }
        var checksum = 0.0
        let t0 = Bench.now()
        var s = 0
        while s < sites {
            let batch = (s..<min(sites, s + 3)).map { NeighbourLogits.Shell(parent: $0, parentSite: tree[$0], moves: shell) }
            for z in try scorer.logits(batch) { checksum += Double(z[0]) }
            s += batch.count
        }
        let t1 = Bench.now()
        let evaluations = sites * 2 * n
        let part = evaluations / 16
        let chunk = 256, chunks = (part + chunk - 1) / chunk
        let b0 = Bench.now()
        _ = try ParallelMap.map(count: chunks, threads: 2) { c -> Float in
            let m = min(chunk, part - c * chunk)
            var x = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                let row = c * chunk + i, j = (row / 2) % n
                for k in 0..<n { x[i * n + k] = anchor[k] }
                x[i * n + j] += row % 2 == 0 ? 1 : -1
            }
            return try net.logits(x, count: m)[0]
        }
        let b1 = Bench.now()
        let ours = t1 - t0, baseline = (b1 - b0) * 16
        print(String(format: "growth: %d shells of 1568 scored (%d evaluations, checksum %.3f), %.0f evaluations/s; target <= 30 s",
                     sites, evaluations, checksum, Double(evaluations) / ours))
        Bench.report("growth 1.6e7 evaluations (10^4 full shells) mlp:784-256-256-10 on Z^784 (2 thr)", value: ours, baseline: baseline, unit: "s")

        // 2. A real growth to the cap.
        let growth = try AnchorClusterGrowth(anchor: anchor, spacing: 1, rule: .shellQuantile(0.002), target: target,
                                             cap: sites, threads: 2)
        let g0 = Bench.now()
        let r = try growth.run(classifier: net)
        let g1 = Bench.now()
        print(String(format: "growth: shell-quantile:0.002 cluster %d (survived %d), %d evaluations, radius %d, %d generations, open fraction %.5f, tied share %.4f, %.3f s, %.0f evaluations/s",
                     r.clusterSize, r.survived ? 1 : 0, r.evaluations, r.radius, r.generations.count,
                     r.openFraction ?? .nan, r.tiedShare ?? .nan, g1 - g0, Double(r.evaluations) / (g1 - g0)))
    }
}
