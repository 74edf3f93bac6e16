import Foundation
import Support

/// The finite-size form of the invasion acceptance ratio p(n) = n/M(n) (n invaded, M examined):
///
///     p(n) = p_c + a·n^(−ω) + b·n^(−ω₂) + …
///
/// The invaded cluster of n elements has linear size ξ ~ n^(1/d_f), so it sits at an effective
/// |p − p_c| ~ ξ^(−1/ν): ω = 1/(ν d_f) (Mertens & Moore, PRE 98, 022120 (2018), Sec. III). The
/// next term of the scaling function in its variable (p − p_c)·n^ω gives ω₂ = 2ω (the main fit);
/// the alternatives used to *measure* the systematic error are
/// - ω₂ = 1, the analytic correction: p(n) is a cumulative ratio, so any O(1) offset in n or M
///   (the start of the growth) changes it by O(1/n);
/// - ω₂ = ω + Ω, Ω the correction-to-scaling exponent of cluster sizes, where it is known;
/// - ω moved by its quoted literature uncertainty (d = 3–5);
/// - in d = 6 (upper critical dimension, logarithmic corrections; Essam, Gaunt & Guttmann, J. Phys. A
///   11, 1983 (1978)) the leading term a·n^(−1/2)·(ln n)^(±2/7), 2/7 being the logarithmic exponent
///   of the mean cluster size at d = 6 (Ruiz-Lorenzo, J. Phys. A 31, 8773 (1998)), as a probe of
///   what such a factor does to p_c.
///
/// Exponents (copied with sources into reference/scaling_exponents.csv):
/// - d = 2: ν = 4/3, d_f = 91/48 exact (den Nijs 1979; Nienhuis 1982), Ω = 72/91 (Ziff, PRE 83,
///   020107(R) (2011)).
/// - d = 3: ν = 0.8765(18), d_f = 2.5230(2) (Wang et al., PRE 87, 052107 (2013)); Ω = 0.64(2)
///   (Lorenz & Ziff, PRE 57, 230 (1998)).
/// - d = 4: ν = 0.6845(23), d_f = 3.046(7); d = 5: ν = 0.5737(33), d_f = 3.523(4) (Gracey, PRD 92,
///   025012 (2015), as used by Mertens & Moore 2018). Checked against the Monte Carlo of Zhang, Hou,
///   Fang, Hu & Deng (arXiv:2004.11289): ν = 1/y_t with y_t = 1.461(5) (4D) and 1.743(10) (5D) gives
///   the same ν; their d_f = 3.0446(7) (4D) and 3.5260(14) (5D) agree within the errors quoted here.
/// - d ≥ 6: mean field, ν = 1/2, d_f = 4, so ω = 1/2 and 2ω = 1 (Hara & Slade, CMP 128, 333 (1990)).
public struct ScalingForm: Sendable, Equatable, CustomStringConvertible {
    /// Exponent of the leading correction.
    public var omega: Double
    /// Exponent of the second correction (nil: leading term only).
    public var omega2: Double?
    /// Power of ln n multiplying the leading term (0: none).
    public var logPower: Double = 0
    /// What this form is, for the sidecar.
    public var label: String

    /// The basis functions [1, n^(−ω)·(ln n)^x, n^(−ω₂)] at n.
    func basis(_ n: Int) -> [Double] {
        let x = Double(n)
        var row = [1, Foundation.pow(x, -omega) * (logPower == 0 ? 1 : Foundation.pow(Foundation.log(x), logPower))]
        if let omega2 { row.append(Foundation.pow(x, -omega2)) }
        return row
    }

    public var description: String { label }
}

/// Which finite-size form a growth estimate is fitted with.
public enum ThresholdFitModel: String, Sendable, CaseIterable, Codable {
    /// p_c + a·n^(−ω) + b·n^(−2ω) (default).
    case twoTerm = "two-term"
    /// p_c + a·n^(−ω) + b·n^(−(ω+Ω)): needs the correction-to-scaling exponent Ω.
    case scaling
    /// p_c + a·n^(−ω) only.
    case leading
}

/// Literature exponents per dimension (see ``ScalingForm``).
public enum ScalingExponents {
    /// (ν, δν, d_f, δd_f) for d = 2...5; mean field above.
    static func nuAndFractalDimension(_ d: Int) -> (nu: Double, dnu: Double, df: Double, ddf: Double) {
        switch d {
        case 2: return (4.0 / 3.0, 0, 91.0 / 48.0, 0)
        case 3: return (0.8765, 0.0018, 2.5230, 0.0002)
        case 4: return (0.6845, 0.0023, 3.046, 0.007)
        case 5: return (0.5737, 0.0033, 3.523, 0.004)
        default: return (0.5, 0, 4, 0)
        }
    }

    /// ω = 1/(ν d_f).
    public static func omega(dimension d: Int) -> Double {
        let e = nuAndFractalDimension(d)
        return 1 / (e.nu * e.df)
    }

    /// Uncertainty of ω propagated from those of ν and d_f (0 where exact or mean field).
    static func omegaUncertainty(dimension d: Int) -> Double {
        let e = nuAndFractalDimension(d)
        return omega(dimension: d) * ((e.dnu / e.nu) * (e.dnu / e.nu) + (e.ddf / e.df) * (e.ddf / e.df)).squareRoot()
    }

    /// The correction-to-scaling exponent Ω of cluster sizes, where known (nil otherwise).
    public static func correctionToScaling(dimension d: Int) -> Double? {
        switch d {
        case 2: return 72.0 / 91.0
        case 3: return 0.64
        default: return nil
        }
    }

    /// The form fitted for `model` in dimension d, or a usage error naming the fit to use instead.
    public static func form(dimension d: Int, model: ThresholdFitModel) throws -> ScalingForm {
        let w = omega(dimension: d)
        switch model {
        case .twoTerm: return ScalingForm(omega: w, omega2: 2 * w, label: String(format: "a n^-%.4f + b n^-%.4f", w, 2 * w))
        case .leading: return ScalingForm(omega: w, omega2: nil, label: String(format: "a n^-%.4f", w))
        case .scaling:
            guard let big = correctionToScaling(dimension: d) else {
                throw ModeLatticeError.usage("no correction-to-scaling exponent Ω is known for d = \(d) (tabulated for d = 2, 3); use the two-term fit (ω₂ = 2ω), which the table uses")
            }
            return ScalingForm(omega: w, omega2: w + big, label: String(format: "a n^-%.4f + b n^-%.4f (ω+Ω)", w, w + big))
        }
    }

    /// The alternative forms whose spread of p_c is the systematic error of `main` (see ``ScalingForm``).
    public static func alternatives(dimension d: Int, main: ScalingForm) -> [ScalingForm] {
        let w = omega(dimension: d)
        let dw = omegaUncertainty(dimension: d)
        var out: [ScalingForm] = []
        func add(_ f: ScalingForm) {
            if f.omega != main.omega || f.omega2 != main.omega2 || f.logPower != main.logPower { out.append(f) }
        }
        let second: [(Double, String)] = {
            var s: [(Double, String)] = [(2 * w, "2ω"), (1, "1 (analytic)")]
            if let big = correctionToScaling(dimension: d) { s.append((w + big, "ω+Ω")) }
            if d >= 6 { s.append((1.5, "3ω")) }
            return s
        }()
        if main.omega2 != nil {
            for (w2, name) in second where abs(w2 - (main.omega2 ?? 0)) > 1e-12 {
                add(ScalingForm(omega: main.omega, omega2: w2, label: String(format: "ω₂ = %@ = %.4f", name, w2)))
            }
        }
        if dw > 0 {
            for sign in [-1.0, 1.0] {
                let wl = w + sign * dw
                add(ScalingForm(omega: wl, omega2: main.omega2.map { $0 == 2 * main.omega ? 2 * wl : $0 },
                                label: String(format: "ω = %.4f (literature %+.0fσ)", wl, sign)))
            }
        }
        if d == 6 {
            for x in [-2.0 / 7.0, 2.0 / 7.0] {
                var f = main
                f.logPower = x
                f.label = String(format: "leading term × (ln n)^%+.4f (d = 6 logarithms)", x)
                add(f)
            }
        }
        return out
    }
}
