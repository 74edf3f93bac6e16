/// p_c(d) of site percolation on Z^d for the `p_c` column of lattice comparisons.
/// d = 1: p_c = 1 exactly. d ≥ 2: PLACEHOLDER until the thresholds branch (LiteratureThreshold)
/// is merged — returns nil (empty column) rather than a number typed in here.
public enum SiteThreshold {
    public static func literature(dimension d: Int) -> Double? {
        if d == 1 { return 1 }
        return nil
    }
}
