import Foundation
import Percolation
import Support

// Benchmark group "field": one trial of `percolation field` (spectral synthesis with GSL's FFT,
// the exact excursion set, labeling on the torus and with open boundaries) on 256^2 and 64^3,
// beside the baseline of labeling an iid mask of the same size the same two ways with the same
// engine. Target (issue 18): a field with labels in at most 0.5 s.

enum FieldBench {
    static func run() throws {
        print("field (1 thread; median of timed runs)")
        for (d, side) in [(2, 256), (3, 64)] {
            let lattice = try HypercubicLattice(dimension: d, side: side, boundary: .periodic)
            let open = try HypercubicLattice(dimension: d, side: side, boundary: .open)
            let mask = try IIDMask.generate(lattice: lattice, p: 0.5, rng: RandomGenerator(seed: 5))
            let labels = try Bench.median(runs: 5) {
                _ = try ClusterLabeling.label(occupied: mask, lattice: lattice)
                _ = try ClusterLabeling.label(occupied: mask, lattice: open)
            }
            for correlation in [FieldCorrelation.gaussian(xi: 4), .power(hurst: 0.7)] {
                var setup = 0.0
                var experiment: FieldPercolation?
                setup = try Bench.median(runs: 1, warmup: 0) {
                    experiment = try FieldPercolation(lattice: lattice, correlation: correlation, openFraction: 0.5, seed: 1)
                }
                let field = experiment!
                var t = 0
                let trial = try Bench.median(runs: 5) { _ = try field.trial(t); t += 1 }
                let synthesis = try Bench.median(runs: 5) { _ = try field.sample(t); t += 1 }
                Bench.report("field \(d)D L=\(side) \(correlation) trial with labels (ms)", value: trial * 1e3,
                             baseline: labels * 1e3, unit: "ms")
                print(String(format: "  of which synthesis (noise + FFT): %.1f ms; spectrum setup once per run: %.1f ms; target <= 500 ms per trial",
                             synthesis * 1e3, setup * 1e3))
                let trialCPU = try PercolationBench.threadCPUTime { _ = try field.trial(t) }
                let labelsCPU = try PercolationBench.threadCPUTime {
                    _ = try ClusterLabeling.label(occupied: mask, lattice: lattice)
                    _ = try ClusterLabeling.label(occupied: mask, lattice: open)
                }
                print(String(format: "  thread CPU time of one more trial (less sensitive to a loaded machine): %.1f ms, baseline %.1f ms (x%.2f)",
                             trialCPU * 1e3, labelsCPU * 1e3, trialCPU / labelsCPU))
            }
        }
    }
}
