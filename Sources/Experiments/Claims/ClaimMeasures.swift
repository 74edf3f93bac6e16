import Foundation

/// What one replicate (one architecture, one training seed, one pair draw) measured, pair by pair.
public struct ClaimReplicate: Codable, Sendable {
    /// One real pair of class t: A and R correctly classified images of t, X a targeted attack
    /// towards t on an image of another class (stopped once CE(X) < CE(A)).
    public struct RealPair: Codable, Sendable {
        /// Straight-path barrier gaps A→R (real–real) and A→X (real–adversarial; nil when the attack failed).
        public var realGap: Double
        public var adversarialGap: Double?
        /// The bypass of A→R (only when realGap > ε): its barrier gap and deviation max|B′−B|/max|A|.
        public var bypassGap: Double?
        public var bypassDeviation: Double?
        /// Detection scores of R and X against K references of their predicted class: mean barrier
        /// gap, and the confidence baseline CE(predicted) (nil for X when the attack failed).
        public var realDetectionGap: Double
        public var adversarialDetectionGap: Double?
        public var realConfidence: Double
        public var adversarialConfidence: Double?
    }

    /// One synthetic pair of the untrained network (feature visualization, CE < 5e-4).
    public struct SyntheticPair: Codable, Sendable {
        public var gap: Double
        /// The free two-round bypass (only when gap > ε).
        public var bypassGap: Double?
        public var bypassDeviation: Double?
    }

    public var architecture: Int
    public var replicate: Int
    /// Test accuracy of the trained network on the test pool.
    public var testAccuracy: Double
    public var realPairs: [RealPair]
    public var syntheticPairs: [SyntheticPair]
}

/// One headline statistic of a README claim: which pairs it is computed on (rows of numbers, one
/// per pair, resampled together by the bootstrap) and the function of those rows.
public struct ClaimMeasure: Sendable {
    /// Stable identifier of the claim (first column of claims.csv).
    public var claim: String
    public var statistic: String
    public var null: ClaimNull
    /// The rows (one per pair) the statistic is computed on.
    public var rows: @Sendable (ClaimReplicate, _ epsilon: Double) -> [[Double]]
    /// The statistic of a multiset of rows.
    public var value: @Sendable ([[Double]], _ epsilon: Double) -> Double
}

extension ClaimMeasure {
    /// The claims of the README's results table, with each statistic's null (fixed in advance):
    ///
    /// - real same-class pairs nearly linearly connected: share of pairs with gap > ε below ½; median gap below ε;
    /// - real–adversarial barriers higher than real–real: Mann–Whitney effect size P(gap_RA > gap_RR) above ½,
    ///   share(gap_RA > ε) − share(gap_RR > ε) above 0, ratio of mean gaps above 1;
    /// - the bypass removes the barrier at small deviation: among real pairs with gap > ε, the share whose bypass
    ///   keeps ≤ 10 % of the gap at deviation ≤ 5 % above ½; their median deviation below 0.05;
    /// - the barrier detects adversarial inputs: AUROC of the mean gap to K references above ½, and its gain
    ///   over the confidence baseline above 0;
    /// - untrained networks, synthetic pairs: share already linearly connected (gap ≤ ε) above ½; among the
    ///   others, share connected after the bypass (bypass gap ≤ ε) above ½ and median deviation below 0.05.
    public static let readmeClaims: [ClaimMeasure] = [
        ClaimMeasure(claim: "real_pairs_linearly_connected", statistic: "share_gap_above_eps", null: ClaimNull(.below, 0.5),
                     rows: { r, _ in r.realPairs.map { [$0.realGap] } },
                     value: { rows, e in ClaimStatistics.share(rows.map { $0[0] }) { $0 > e } }),
        ClaimMeasure(claim: "real_pairs_linearly_connected", statistic: "median_gap", null: ClaimNull(.below, 1e-3),
                     rows: { r, _ in r.realPairs.map { [$0.realGap] } },
                     value: { rows, _ in ClaimStatistics.median(rows.map { $0[0] }) }),
        ClaimMeasure(claim: "adversarial_barriers_higher", statistic: "mann_whitney_auroc", null: ClaimNull(.above, 0.5),
                     rows: adversarialRows,
                     value: { rows, _ in ClaimStatistics.mannWhitney(rows.map { $0[1] }, rows.map { $0[0] })?.effectSize ?? .nan }),
        ClaimMeasure(claim: "adversarial_barriers_higher", statistic: "share_difference", null: ClaimNull(.above, 0),
                     rows: adversarialRows,
                     value: { rows, e in
                         ClaimStatistics.share(rows.map { $0[1] }) { $0 > e } - ClaimStatistics.share(rows.map { $0[0] }) { $0 > e }
                     }),
        ClaimMeasure(claim: "adversarial_barriers_higher", statistic: "ratio_of_mean_gaps", null: ClaimNull(.above, 1),
                     rows: adversarialRows,
                     value: { rows, _ in
                         let rr = ClaimStatistics.mean(rows.map { $0[0] })
                         return rr > 0 ? ClaimStatistics.mean(rows.map { $0[1] }) / rr : .nan
                     }),
        ClaimMeasure(claim: "bypass_removes_barrier", statistic: "share_removed_small_deviation", null: ClaimNull(.above, 0.5),
                     rows: bypassRows,
                     value: { rows, _ in
                         ClaimStatistics.share(rows.map { $0[1] <= 0.1 * $0[0] && $0[2] <= 0.05 ? 1 : 0 }) { $0 == 1 }
                     }),
        ClaimMeasure(claim: "bypass_removes_barrier", statistic: "median_deviation", null: ClaimNull(.below, 0.05),
                     rows: bypassRows,
                     value: { rows, _ in ClaimStatistics.median(rows.map { $0[2] }) }),
        ClaimMeasure(claim: "barrier_detects_adversarial", statistic: "auroc_barrier_gap", null: ClaimNull(.above, 0.5),
                     rows: detectionRows,
                     value: { rows, _ in ClaimStatistics.mannWhitney(rows.map { $0[1] }, rows.map { $0[0] })?.effectSize ?? .nan }),
        ClaimMeasure(claim: "barrier_detects_adversarial", statistic: "auroc_gain_over_confidence", null: ClaimNull(.above, 0),
                     rows: detectionRows,
                     value: { rows, _ in
                         let gap = ClaimStatistics.mannWhitney(rows.map { $0[1] }, rows.map { $0[0] })?.effectSize ?? .nan
                         let confidence = ClaimStatistics.mannWhitney(rows.map { $0[3] }, rows.map { $0[2] })?.effectSize ?? .nan
                         return gap - confidence
                     }),
        ClaimMeasure(claim: "untrained_synthetic_already_linear", statistic: "share_gap_at_most_eps", null: ClaimNull(.above, 0.5),
                     rows: { r, _ in r.syntheticPairs.map { [$0.gap] } },
                     value: { rows, e in ClaimStatistics.share(rows.map { $0[0] }) { $0 <= e } }),
        ClaimMeasure(claim: "untrained_synthetic_connected_after_bypass", statistic: "share_bypass_gap_at_most_eps",
                     null: ClaimNull(.above, 0.5), rows: syntheticBypassRows,
                     value: { rows, e in ClaimStatistics.share(rows.map { $0[1] }) { $0 <= e } }),
        ClaimMeasure(claim: "untrained_synthetic_connected_after_bypass", statistic: "median_deviation",
                     null: ClaimNull(.below, 0.05), rows: syntheticBypassRows,
                     value: { rows, _ in ClaimStatistics.median(rows.map { $0[2] }) }),
    ]

    /// [gap_RR, gap_RA] of the pairs whose attack succeeded.
    static let adversarialRows: @Sendable (ClaimReplicate, Double) -> [[Double]] = { r, _ in
        r.realPairs.compactMap { p in p.adversarialGap.map { [p.realGap, $0] } }
    }
    /// [gap, bypass gap, deviation] of the real pairs with gap > ε.
    static let bypassRows: @Sendable (ClaimReplicate, Double) -> [[Double]] = { r, e in
        r.realPairs.compactMap { p in
            guard p.realGap > e, let g = p.bypassGap, let d = p.bypassDeviation else { return nil }
            return [p.realGap, g, d]
        }
    }
    /// [score_R, score_X, confidence_R, confidence_X] of the pairs whose attack succeeded.
    static let detectionRows: @Sendable (ClaimReplicate, Double) -> [[Double]] = { r, _ in
        r.realPairs.compactMap { p in
            guard let g = p.adversarialDetectionGap, let c = p.adversarialConfidence else { return nil }
            return [p.realDetectionGap, g, p.realConfidence, c]
        }
    }
    /// [gap, bypass gap, deviation] of the synthetic pairs with gap > ε.
    static let syntheticBypassRows: @Sendable (ClaimReplicate, Double) -> [[Double]] = { r, e in
        r.syntheticPairs.compactMap { p in
            guard p.gap > e, let g = p.bypassGap, let d = p.bypassDeviation else { return nil }
            return [p.gap, g, d]
        }
    }
}
