/// The finite-size correction of the invasion estimators: p(N) = p_c + a·N^(−ω) + …, with
/// ω = 1/(ν d_f) (the invaded cluster of N elements has linear size ξ ~ N^(1/d_f) and so sits at
/// |p − p_c| ~ ξ^(−1/ν); Mertens & Moore 2018, Sec. III).
///
/// Exponents: d = 2 exact (ν = 4/3, d_f = 91/48); d = 3 ν = 0.8765, d_f = 2.5230 (Wang et al.
/// 2013); d = 4 ν = 0.6845, d_f = 3.046; d = 5 ν = 0.5737, d_f = 3.523 (Gracey 2015; Mertens &
/// Moore 2018); d ≥ 6 mean field ν = 1/2, d_f = 4 (d = 6 with logarithmic corrections).
public enum FiniteSizeScaling {
    public static func omega(dimension d: Int) -> Double {
        switch d {
        case 2: return 1 / ((4.0 / 3.0) * (91.0 / 48.0))
        case 3: return 1 / (0.8765 * 2.5230)
        case 4: return 1 / (0.6845 * 3.046)
        case 5: return 1 / (0.5737 * 3.523)
        default: return 0.5
        }
    }

    /// The two-size extrapolation p_c ≈ (r·p(N₂) − p(N₁)) / (r − 1), r = (N₂/N₁)^ω, which cancels
    /// the leading a·N^(−ω) term exactly.
    public static func extrapolate(_ p1: Double, at n1: Int, _ p2: Double, at n2: Int, omega: Double) -> Double {
        let r = Foundation.pow(Double(n2) / Double(n1), omega)
        return (r * p2 - p1) / (r - 1)
    }
}

import Foundation
