import Percolation

/// p_c(d) of site percolation on Z^d for the `p_c` column of lattice comparisons: 1 for d = 1
/// (exact), and for d = 2 … 13 the literature value of the thresholds module's reference table
/// (``LiteratureThreshold``, sources there); nil (an empty column) beyond it.
public enum SiteThreshold {
    public static func literature(dimension d: Int) -> Double? {
        if d == 1 { return 1 }
        return LiteratureThreshold.lookup(dimension: d, kind: .site)?.pc
    }
}
