import Foundation

/// p_c(d) of site and bond percolation on Z^d from the expansion in σ^{-1}, σ = 2d − 1
/// (equivalently in 1/(2d)): the Bethe value 1/σ plus lattice corrections,
///     site: p_c = σ^-1 + (3/2)σ^-2 + (15/4)σ^-3 + (83/4)σ^-4 + (6577/48)σ^-5 + (119077/96)σ^-6 + O(σ^-7)
///           (Gaunt, Sykes & Ruskin, J. Phys. A 9, 1899 (1976); Gaunt & Ruskin 1978),
///     bond: p_c = σ^-1 + (5/2)σ^-3 + (15/2)σ^-4 + 57σ^-5 + (4855/12)σ^-6 + (3433/4)σ^-7
///           + (55709/2)σ^-8 + O(σ^-9)
///           (Gaunt & Ruskin, J. Phys. A 11, 1369 (1978); Hara & Slade 1995 proved the first terms),
/// as quoted in Mertens & Moore, PRE 98, 022120 (2018), eqs. (3)–(4). The series is asymptotic;
/// at d = 13 it agrees with the Monte Carlo values of ``LiteratureThreshold`` to 3·10^-6 (site)
/// and 5·10^-7 (bond), and the first omitted term sets its error at large d (~σ^-7).
public enum ThresholdSeries {
    public static let source = "Gaunt, Sykes & Ruskin, J. Phys. A 9, 1899 (1976); Gaunt & Ruskin, J. Phys. A 11, 1369 (1978); coefficients as in Mertens & Moore, PRE 98, 022120 (2018)"

    /// Coefficients a_k of σ^-k, k = 1, 2, ….
    public static func coefficients(_ kind: ThresholdKind) -> [Double] {
        switch kind {
        case .site: return [1, 3.0 / 2, 15.0 / 4, 83.0 / 4, 6577.0 / 48, 119077.0 / 96]
        case .bond: return [1, 0, 5.0 / 2, 15.0 / 2, 57, 4855.0 / 12, 3433.0 / 4, 55709.0 / 2]
        }
    }

    /// Σ_k a_k σ^-k at σ = 2d − 1 (d ≥ 2).
    public static func pc(dimension d: Int, kind: ThresholdKind) -> Double {
        let inv = 1 / Double(2 * d - 1)
        var term = 1.0, sum = 0.0
        for a in coefficients(kind) { term *= inv; sum += a * term }
        return sum
    }

    /// The first omitted order σ^-(K+1): a scale for the truncation error.
    public static func truncationScale(dimension d: Int, kind: ThresholdKind) -> Double {
        pow(1 / Double(2 * d - 1), Double(coefficients(kind).count + 1))
    }
}
