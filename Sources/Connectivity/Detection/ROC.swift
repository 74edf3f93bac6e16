import Support

/// Receiver-operating-characteristic statistics of a detector score (higher = more likely
/// adversarial), for held-out real (negative) and adversarial (positive) inputs.
///
/// - AUROC is the Mann–Whitney statistic P(score⁺ > score⁻) + ½·P(score⁺ = score⁻), computed from
///   mid-ranks of the pooled scores: AUROC = (R⁺ − n⁺(n⁺+1)/2) / (n⁺ n⁻), R⁺ the rank sum of positives.
/// - Its 95% interval is a stratified percentile bootstrap (positives and negatives resampled
///   separately, `resamples` times, GSL generator), so it reflects both sample sizes.
/// - TPR at 5% FPR: the largest true-positive rate over thresholds t (flag when score ≥ t) whose
///   false-positive rate is at most 0.05.
public struct ROCSummary: Sendable, Equatable {
    public var auroc: Double
    public var aurocLow: Double
    public var aurocHigh: Double
    public var tprAt5FPR: Double
    public var positives: Int
    public var negatives: Int
}

public enum ROC {
    /// AUROC by mid-ranks (ties count one half).
    public static func auroc(positives: [Double], negatives: [Double]) -> Double {
        let nP = positives.count, nN = negatives.count
        guard nP > 0, nN > 0 else { return .nan }
        var pooled = positives.map { ($0, true) } + negatives.map { ($0, false) }
        pooled.sort { $0.0 < $1.0 }
        var rankSum = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let midRank = Double(i + j) / 2 + 1
            for k in i...j where pooled[k].1 { rankSum += midRank }
            i = j + 1
        }
        return (rankSum - Double(nP) * Double(nP + 1) / 2) / (Double(nP) * Double(nN))
    }

    /// Best TPR among thresholds with FPR ≤ `maxFPR` (flag when score ≥ threshold).
    public static func tpr(positives: [Double], negatives: [Double], atFPR maxFPR: Double = 0.05) -> Double {
        guard !positives.isEmpty, !negatives.isEmpty else { return .nan }
        let thresholds = Set(positives + negatives).sorted() + [Double.infinity]
        var best = 0.0
        for t in thresholds {
            let fpr = Double(negatives.filter { $0 >= t }.count) / Double(negatives.count)
            if fpr <= maxFPR {
                best = max(best, Double(positives.filter { $0 >= t }.count) / Double(positives.count))
            }
        }
        return best
    }

    /// ROC curve points (fpr, tpr), one per distinct threshold, from (0,0) to (1,1).
    public static func curve(positives: [Double], negatives: [Double]) -> [(fpr: Double, tpr: Double, threshold: Double)] {
        let thresholds = [Double.infinity] + Set(positives + negatives).sorted(by: >)
        return thresholds.map { t in
            (Double(negatives.filter { $0 >= t }.count) / Double(max(negatives.count, 1)),
             Double(positives.filter { $0 >= t }.count) / Double(max(positives.count, 1)), t)
        }
    }

    /// AUROC with a stratified percentile bootstrap 95% interval, and TPR at 5% FPR.
    public static func summary(positives: [Double], negatives: [Double], resamples: Int = 1000,
                               seed: UInt64) throws -> ROCSummary {
        let point = auroc(positives: positives, negatives: negatives)
        let rng = try RandomGenerator(seed: SeedSequence.derive(seed, stream: "roc-bootstrap", index: 0))
        var values: [Double] = []
        values.reserveCapacity(resamples)
        if !positives.isEmpty && !negatives.isEmpty {
            for _ in 0..<resamples {
                let p = (0..<positives.count).map { _ in positives[rng.uniformInt(positives.count)] }
                let n = (0..<negatives.count).map { _ in negatives[rng.uniformInt(negatives.count)] }
                values.append(auroc(positives: p, negatives: n))
            }
        }
        values.sort()
        func quantile(_ q: Double) -> Double {
            guard !values.isEmpty else { return .nan }
            let position = q * Double(values.count - 1)
            let lo = Int(position.rounded(.down)), hi = min(lo + 1, values.count - 1)
            return values[lo] + (position - Double(lo)) * (values[hi] - values[lo])
        }
        return ROCSummary(auroc: point, aurocLow: quantile(0.025), aurocHigh: quantile(0.975),
                          tprAt5FPR: tpr(positives: positives, negatives: negatives),
                          positives: positives.count, negatives: negatives.count)
    }
}
