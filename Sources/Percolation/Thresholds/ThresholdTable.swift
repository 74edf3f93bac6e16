import Support

/// The CSV contract of `modelattice percolation threshold(s)`: one row per (d, kind),
/// `deviation_sigma` = (estimate − literature)/stderr and `times_2d_minus_1` = estimate·(2d − 1)
/// (→ 1 from above as d → ∞, since p_c = 1/(2d−1) + O(d^−3) for both site and bond; Hara & Slade).
public enum ThresholdTable {
    public static let columns = [
        "dim", "kind", "method", "estimate", "stderr", "literature", "literature_uncertainty",
        "deviation_sigma", "times_2d_minus_1", "samples", "seconds",
    ]

    public static func row(_ e: ThresholdEstimate) -> [Cell] {
        let literature = LiteratureThreshold.lookup(dimension: e.dimension, kind: e.kind)
        let deviation: Cell = literature.map { .double((e.estimate - $0.pc) / e.stderr) } ?? .empty
        return [
            .int(e.dimension), .text(e.kind.rawValue), .text(e.method), .double(e.estimate), .double(e.stderr),
            literature.map { .double($0.pc) } ?? .empty, literature.map { .double($0.pcUncertainty) } ?? .empty,
            deviation, .double(e.estimate * Double(2 * e.dimension - 1)), .int(e.samples),
            .double((e.seconds * 100).rounded() / 100),
        ]
    }
}
