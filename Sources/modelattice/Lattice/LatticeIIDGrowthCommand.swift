import ArgumentParser
import Connectivity
import Foundation
import Percolation
import Support

/// `modelattice lattice iid-growth`: iid growth on Z^n through the growth code beside the
/// branching process (``IIDGrowthComparison``), and p_c(n) from the 1/σ series beside the largest
/// tabulated dimension (``ThresholdSeries``, ``LiteratureThreshold``) with `--thresholds-output`.
struct LatticeIIDGrowthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iid-growth",
        abstract: "iid percolation growth on Z^n beside its branching process (survival to the cap).")

    @Option(help: "Lattice dimension n.") var dimension = 784
    @Option(help: "Mean offspring λ = (2n−1)P values, comma-separated.") var lambda = "0.5,1.5,2,4"
    @Option(help: "Clusters per λ.") var trials = 400
    @Option(help: "Stop when the cluster has this many sites (survived).") var cap = 1000
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @Option(help: "Also write p_c from the series expansion and the literature to this CSV.") var thresholdsOutput: String?
    @OptionGroup var options: RunOptions

    func run() throws {
        let started = Date()
        let lambdas = try parseDoubleList(lambda, name: "--lambda")
        guard dimension >= 2 else { throw ModeLatticeError.usage("--dimension must be at least 2 (got \(dimension))") }
        guard cap >= 1 else { throw ModeLatticeError.usage("--cap must be at least 1 (got \(cap))") }
        guard trials >= 1 else { throw ModeLatticeError.usage("--trials must be at least 1 (got \(trials))") }
        for l in lambdas where !(l > 0 && l < Double(2 * dimension - 1)) {
            throw ModeLatticeError.usage("--lambda must give 0 < P < 1, i.e. 0 < λ < \(2 * dimension - 1) (got \(l))")
        }
        try AtomicFile.checkWritable(output)
        if let thresholdsOutput { try AtomicFile.checkWritable(thresholdsOutput) }
        let rows = try IIDGrowthComparison.run(dimension: dimension, lambdas: lambdas, trials: trials, cap: cap,
                                               seed: options.seed, threads: options.threadCount)
        var table = Table(columns: ["dimension", "lambda", "p", "trials", "cap", "survived", "survival", "survival_se",
                                    "branching_survival_to_cap", "branching_survival", "deviation_sigma",
                                    "mean_cluster_size", "open_fraction"])
        for r in rows {
            table.append([.int(r.dimension), .double(r.lambda), .double(r.p), .int(r.trials), .int(r.cap), .int(r.survived),
                          .double(r.survival), .double(r.standardError), .double(r.theoryToCap), .double(r.theoryForever),
                          .double(r.deviationSigma), .double(r.meanClusterSize), .double(r.openFraction)])
        }
        let parameters = ["dimension": String(dimension), "lambda": lambda, "trials": String(trials), "cap": String(cap)]
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["iid growth (AnchorClusterGrowth, rule iid:P, P = λ/(2n−1)) beside the Galton–Watson process with Binomial(2n−1, P) offspring (root Binomial(2n, P))",
                                       "branching_survival_to_cap: exact P(total progeny ≥ cap) by the hitting-time theorem; survival_se: binomial SE of that value over the trials",
                                       "p_c series: " + ThresholdSeries.source])
        try table.write(to: output, record: record)
        if let thresholdsOutput {
            let largest = LiteratureThreshold.table.map(\.dimension).max() ?? 13
            var t = Table(columns: ["dimension", "kind", "pc_series", "series_truncation_scale", "pc_literature", "pc_literature_uncertainty", "literature_source"])
            for d in [largest, dimension] {
                for kind in [ThresholdKind.site, .bond] {
                    let lit = LiteratureThreshold.lookup(dimension: d, kind: kind)
                    t.append([.int(d), .text(kind == .site ? "site" : "bond"), .double(ThresholdSeries.pc(dimension: d, kind: kind)),
                              .double(ThresholdSeries.truncationScale(dimension: d, kind: kind)),
                              lit.map { .double($0.pc) } ?? .empty, lit.map { .double($0.pcUncertainty) } ?? .empty,
                              .text(lit?.source ?? "")])
                }
            }
            try t.write(to: thresholdsOutput, record: record)
        }
    }
}
