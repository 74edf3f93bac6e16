import Foundation

/// The finite-size correction of the invasion estimators: p(N) = p_c + a·N^(−ω) + …, with
/// ω = 1/(ν d_f) (the invaded cluster of N elements has linear size ξ ~ N^(1/d_f) and so sits at
/// |p − p_c| ~ ξ^(−1/ν); Mertens & Moore 2018, Sec. III).
///
/// Exponents and their sources: ``ScalingExponents``. Used for the pilot's rough two-size estimate;
/// the threshold itself comes from the multi-size fit (``CorrelatedFit``).
public enum FiniteSizeScaling {
    public static func omega(dimension d: Int) -> Double { ScalingExponents.omega(dimension: d) }

    /// The two-size extrapolation p_c ≈ (r·p(N₂) − p(N₁)) / (r − 1), r = (N₂/N₁)^ω, which cancels
    /// the leading a·N^(−ω) term exactly.
    public static func extrapolate(_ p1: Double, at n1: Int, _ p2: Double, at n2: Int, omega: Double) -> Double {
        let r = Foundation.pow(Double(n2) / Double(n1), omega)
        return (r * p2 - p1) / (r - 1)
    }
}
