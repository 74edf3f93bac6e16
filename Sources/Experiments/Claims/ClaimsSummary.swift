import Foundation
import Support

/// From replicates to claims.csv: per replicate and statistic, the statistic on the replicate's
/// pairs with its 95 % percentile bootstrap over pairs; per architecture and statistic, the spread
/// over replicates (``ClaimStatistics/overReplicates``) and the verdict of the claim's null.
enum ClaimsSummary {
    static func products(_ results: [ClaimReplicate], _ c: ClaimsExperiment.Configuration, seed: UInt64,
                         generator: String) throws -> ExperimentProducts {
        var main = Table(columns: ClaimsExperiment.columns)
        var perReplicate = Table(columns: ClaimsExperiment.extraTables["replicates"]!)
        var notes: [String] = [
            "estimate: mean over the K replicates that define the statistic; ci: mean ± t(0.975, K−1)·s/√K for K ≥ 3, min–max of the two for K = 2, the replicate's bootstrap for K = 1",
            "replicates table: each replicate's statistic with its 95% percentile bootstrap over pairs (\(c.resamples) resamples, GSL \(generator))",
            "verdict: reproduced when the interval lies strictly on the claim's side of the null, contradicted when strictly on the other side, else not reproduced; 'too few replicates' when fewer than 3 replicates define the statistic (e.g. too few pairs with a barrier to bypass)",
        ]
        let e = c.gapThreshold
        for (a, arch) in c.architectures.enumerated() {
            let reps = results.filter { $0.architecture == a }.sorted { $0.replicate < $1.replicate }
            notes.append("\(arch.arch): test accuracy " + reps.map { String(format: "%.3f", $0.testAccuracy) }.joined(separator: ", ")
                         + "; attacks succeeded " + reps.map { r in "\(r.realPairs.filter { $0.adversarialGap != nil }.count)/\(r.realPairs.count)" }.joined(separator: ", "))
            for r in reps {
                perReplicate.append([.text("trained_network"), .text(arch.arch), .int(r.replicate), .text("test_accuracy"),
                                     .double(r.testAccuracy), .empty, .empty, .empty])
                let adversarial = ClaimMeasure.adversarialRows(r, e)
                if let mw = ClaimStatistics.mannWhitney(adversarial.map { $0[1] }, adversarial.map { $0[0] }) {
                    perReplicate.append([.text("adversarial_barriers_higher"), .text(arch.arch), .int(r.replicate),
                                         .text("mann_whitney_p_two_sided"), .double(mw.pValue), .empty, .empty,
                                         .int(adversarial.count)])
                }
            }
            for (m, measure) in ClaimMeasure.readmeClaims.enumerated() {
                var values: [Double] = []
                var single: ClaimStatistics.Interval?
                for r in reps {
                    let rows = measure.rows(r, e)
                    let interval = try ClaimStatistics.bootstrap(
                        count: rows.count, resamples: c.resamples,
                        seed: SeedSequence.derive(seed, stream: "claims-bootstrap:\(a):\(m)", index: r.replicate),
                        generator: generator) { draw in measure.value(draw.map { rows[$0] }, e) }
                    perReplicate.append([.text(measure.claim), .text(arch.arch), .int(r.replicate), .text(measure.statistic),
                                         .double(interval.estimate), .double(interval.low), .double(interval.high), .int(rows.count)])
                    values.append(interval.estimate)
                    if interval.estimate.isFinite { single = interval }
                }
                let spread = ClaimStatistics.overReplicates(values, single: single)
                main.append([.text(measure.claim), .text(arch.arch), .int(spread.replicates), .text(measure.statistic),
                             .double(spread.interval.estimate), .double(spread.interval.low), .double(spread.interval.high),
                             .text(spread.replicates < 3 ? "too few replicates" : measure.null.verdict(spread.interval))])
            }
        }
        notes.append("nulls (the claim asserts the statistic is on this side): "
                     + ClaimMeasure.readmeClaims.map { "\($0.statistic) \($0.null.claimText)" }.joined(separator: "; "))
        return ExperimentProducts(tables: [ExperimentProducts.mainRole: main, "replicates": perReplicate], notes: notes)
    }
}
