import Support

/// The CSV contract of `modelattice percolation threshold(s)`: one row per (d, kind).
/// - `stderr` = sqrt(statistical_error² + systematic_error²) (``ThresholdEstimate``);
/// - `z` = (estimate − literature) / sqrt(stderr² + literature_uncertainty²);
/// - `chi2_dof`: χ²/dof of the finite-size fit (empty for the wrapping crossing, which has none);
/// - `times_2d_minus_1` = estimate·(2d − 1) (→ 1 from above as d → ∞, since p_c = 1/(2d−1) +
///   O(d^−3) for both site and bond; Hara & Slade).
/// Wall time is not a column: it goes in the JSON sidecar (RunRecord.wallSeconds).
public enum ThresholdTable {
    public static let columns = [
        "dim", "kind", "method", "estimate", "statistical_error", "systematic_error", "stderr",
        "literature", "literature_uncertainty", "literature_source", "z", "chi2_dof", "times_2d_minus_1", "samples",
    ]

    public static func row(_ e: ThresholdEstimate) -> [Cell] {
        let literature = LiteratureThreshold.lookup(dimension: e.dimension, kind: e.kind)
        let z: Cell = literature.map {
            .double((e.estimate - $0.pc) / (e.stderr * e.stderr + $0.pcUncertainty * $0.pcUncertainty).squareRoot())
        } ?? .empty
        return [
            .int(e.dimension), .text(e.kind.rawValue), .text(e.method), .double(e.estimate),
            .double(e.statisticalError), .double(e.systematicError), .double(e.stderr),
            literature.map { .double($0.pc) } ?? .empty, literature.map { .double($0.pcUncertainty) } ?? .empty,
            literature.map { .text($0.source) } ?? .empty, z,
            e.chi2PerDof.isFinite ? .double(e.chi2PerDof) : .empty,
            .double(e.estimate * Double(2 * e.dimension - 1)), .int(e.samples),
        ]
    }
}
