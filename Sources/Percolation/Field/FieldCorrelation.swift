import Foundation
import Support

/// The covariance C(r) of a stationary, isotropic Gaussian random field on Z^d with unit variance,
/// C(0) = 1, as a function of the Euclidean lattice distance r:
///
/// - `none`: white noise, C(r) = δ_{r,0}; excursion sets are iid site percolation.
/// - `gaussian(ξ)`: C(r) = exp(−r²/(2ξ²)), ξ > 0 the correlation length in lattice units
///   (a smooth field: short-range, every moment of C finite).
/// - `power(H)`: C(r) = (1 + r²)^(−a/2) with a = 2(1 − H), H ∈ (0, 1). This is the long-range
///   correlated disorder of Weinrib & Halperin (PRB 27, 413, 1983; Weinrib, PRB 29, 387, 1984),
///   C(r) ~ r^(−a), in the regularised form of Makse, Havlin, Schwartz & Stanley (PRE 53, 5445,
///   1996, eq. 2 with γ = a) that is finite at r = 0. H is a Hurst exponent through a = 2 − 2H: in
///   d = 1 the decay r^(2H−2) is that of fractional Gaussian noise, the increments of fractional
///   Brownian motion with Hurst exponent H (Mandelbrot & Van Ness, SIAM Rev. 10, 422, 1968).
///   Larger H means longer range: a ∈ (0, 2), so C is not summable (Σ_r C(r) = ∞) for a < d, i.e.
///   for every H in d ≥ 2 and for H > 1/2 in d = 1. Weinrib–Halperin: the correlations change the
///   percolation universality class when a < 2/ν (ν = 4/3 in d = 2, so H > 1/4; ν ≈ 0.88 in
///   d = 3, so every H here), with then ν_corr = 2/a.
///
/// Written `none`, `gaussian:XI` or `power:H`; ``parse(_:)`` reads that form.
public enum FieldCorrelation: Sendable, Equatable, CustomStringConvertible {
    case none
    case gaussian(xi: Double)
    case power(hurst: Double)

    /// Reads `none`, `gaussian:XI` (XI > 0) or `power:H` (0 < H < 1); usage errors describe the value.
    public static func parse(_ text: String) throws -> FieldCorrelation {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let malformed = ModeLatticeError.usage(
            "correlation '\(text)' is not none, gaussian:XI (XI > 0, e.g. gaussian:4) or power:H (0 < H < 1, e.g. power:0.7)")
        switch parts[0] {
        case "none":
            guard parts.count == 1 else { throw malformed }
            return .none
        case "gaussian":
            guard parts.count == 2, let xi = Double(parts[1]), !xi.isNaN else { throw malformed }
            guard xi > 0, xi.isFinite else {
                throw ModeLatticeError.usage("correlation length ξ must be positive and finite (got gaussian:\(parts[1]))")
            }
            return .gaussian(xi: xi)
        case "power":
            guard parts.count == 2, let h = Double(parts[1]), !h.isNaN else { throw malformed }
            guard h > 0, h < 1 else {
                throw ModeLatticeError.usage("Hurst exponent H must lie in (0, 1) (got power:\(parts[1]))")
            }
            return .power(hurst: h)
        default:
            throw malformed
        }
    }

    /// The canonical spelling, e.g. `gaussian:4`, `power:0.7` (numbers as in the CSV tables).
    public var description: String {
        switch self {
        case .none: return "none"
        case .gaussian(let xi): return "gaussian:" + Cell.double(xi).csv
        case .power(let h): return "power:" + Cell.double(h).csv
        }
    }

    /// The Weinrib–Halperin exponent a = 2(1 − H) of `power`; nil otherwise.
    public var decayExponent: Double? {
        if case .power(let h) = self { return 2 * (1 - h) }
        return nil
    }

    /// C at squared distance r² (lattice units); C(0) = 1.
    public func covariance(squaredDistance r2: Double) -> Double {
        switch self {
        case .none:
            return r2 == 0 ? 1 : 0
        case .gaussian(let xi):
            return exp(-r2 / (2 * xi * xi))
        case .power(let h):
            // (1 + r²)^(−a/2) with a/2 = 1 − H.
            return pow(1 + r2, h - 1)
        }
    }

    /// C at distance r.
    public func covariance(distance r: Double) -> Double { covariance(squaredDistance: r * r) }
}
