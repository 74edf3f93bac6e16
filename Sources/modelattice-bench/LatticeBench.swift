import Connectivity
import Foundation
import NetworkCore
import Percolation
import Support

/// Lattice group: 2^21 = 2,097,152 sites of a 7-dimensional subspace lattice (L = 8) through an
/// untrained mlp:784-512-512-10, scored in bounded-memory batches on 2 threads (BLAS 1 thread
/// each) and labeled with Percolation's ClusterLabeling (issue target: ≤ 30 s on 2 cores).
/// Baseline in the same process: the same pipeline on 1 thread with batches of 64, timed on
/// 1/8 of the sites and scaled by 8.
enum LatticeBench {
    static func run() throws {
        let model = try Sequential.random(spec: "mlp:784-512-512-10", seed: 1)
        let net = NetworkClassifier(model)
        let anchorRNG = try RandomGenerator(seed: 2)
        let anchor = (0..<784).map { _ in Float(anchorRNG.uniform()) }
        let lattice = try SubspaceLattice(anchor: anchor, dimension: 7, side: 8, spacing: 0.5, rng: try RandomGenerator(seed: 3))
        let hyper = try HypercubicLattice(dimension: 7, side: 8, boundary: .open)
        BLAS.setThreads(1)
        var clusters = 0, share = 0.0
        let t0 = Bench.now()
        let scores = try lattice.scores(evaluator: SiteEvaluator(classifier: net, batch: 1024, threads: 2), target: 0)
        let t1 = Bench.now()
        let mask = OpenRule.quantile(0.2).mask(scores)
        let labeled = try ClusterLabeling.label(occupied: mask, lattice: hyper)
        let t2 = Bench.now()
        clusters = labeled.clusters
        share = Double(labeled.largest) / Double(max(labeled.occupied, 1))
        // Baseline: 1 thread, batch 64, on the first 1/8 of the sites.
        let part = lattice.siteCount / 8
        let b0 = Bench.now()
        _ = try SiteEvaluator(classifier: net, batch: 64, threads: 1).evaluate(count: part, target: 0) { s, buf in lattice.fill(site: s, into: buf) }
        let b1 = Bench.now()
        let ours = t2 - t0, baseline = (b1 - b0) * 8
        let flops = 2.0 * Double(784 * 512 + 512 * 512 + 512 * 10) * Double(lattice.siteCount)
        print(String(format: "lattice: %d sites, evaluate %.2f s (%.1f GFLOP/s), quantile mask + label %.2f s; %d clusters, largest share %.4f",
                     lattice.siteCount, t1 - t0, flops / (t1 - t0) / 1e9, t2 - t1, clusters, share))
        Bench.report("lattice 2^21 sites mlp:784-512-512-10 eval+label (2 thr)", value: ours, baseline: baseline, unit: "s")
    }
}
