import Foundation
import Support

/// The result of fitting p(n) = Σ_k β_k f_k(n) (β₀ = p_c) to the mean over growths.
public struct ScalingFitResult: Sendable {
    /// β, with β₀ = p_c.
    public var parameters: [Double]
    /// Standard error of p_c: sqrt(wᵀ C w), w the linear weights with p̂_c = w·ȳ (see ``CorrelatedFit``).
    public var pcError: Double
    /// χ² of the fit against the full covariance of the mean (nan when that covariance was not used).
    public var chi2: Double
    public var dof: Int
    /// p̂_c = Σ_j weights_j · ȳ_j.
    public var weights: [Double]

    public var pc: Double { parameters[0] }
    public var chi2PerDof: Double { dof > 0 ? chi2 / Double(dof) : .nan }
}

/// Generalized least squares on checkpoints that are correlated within a growth and independent
/// across growths.
///
/// Y is R × m: y_rj = p_r(n_j), growth r's acceptance ratio at checkpoint n_j. With ȳ the mean
/// over growths and S the sample covariance (divisor R − 1), the covariance of ȳ is C = S/R; it is
/// estimated from the growths themselves, which are iid, so the strong correlation of p(n_j) and
/// p(n_k) within one growth (p is a cumulative ratio) is in C.
///
///     W = L Lᵀ (Cholesky),  X̃ = L⁻¹X,  ỹ = L⁻¹ȳ,  β = (X̃ᵀX̃)⁻¹ X̃ᵀỹ,  χ² = |ỹ − X̃β|²,
///
/// with W = C when R ≥ m + 2 (a well-conditioned estimate), otherwise W = diag(C) and χ² = nan.
/// β is linear in ȳ: p̂_c = w·ȳ, w = row 0 of (X̃ᵀX̃)⁻¹X̃ᵀL⁻¹, so its standard error is
/// sqrt(wᵀ C w) whatever W was (= the standard error over growths of w·y_r; equal to
/// sqrt([(XᵀC⁻¹X)⁻¹]₀₀) when W = C). χ² uses an estimated C, which inflates it by about R/(R − m)
/// for R growths (Hotelling); at the table's R ≥ 100 and m = 8 that is under 9%. The estimator's
/// reported error is the jackknife over growths (``jackknifeError(samples:sizes:form:)``).
public enum CorrelatedFit {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Fits `form` to the rows of `samples` (R × m, one row per growth) at checkpoint sizes `sizes`.
    /// `fullCovariance` nil: W = C when R ≥ m + 2, else diag(C).
    public static func fit(samples: [[Double]], sizes: [Int], form: ScalingForm, fullCovariance: Bool? = nil) throws -> ScalingFitResult {
        let r = samples.count, m = sizes.count
        let x = sizes.map { form.basis($0) }
        let k = x[0].count
        guard r >= 2 else { throw Failure(description: "a fit needs at least 2 growths (got \(r))") }
        guard m > k else { throw Failure(description: "\(k) parameters need more than \(k) checkpoints (got \(m))") }
        guard samples.allSatisfy({ $0.count == m }) else { throw Failure(description: "every growth needs \(m) checkpoints") }
        // Mean and covariance of the mean.
        var mean = [Double](repeating: 0, count: m)
        for row in samples { for j in 0..<m { mean[j] += row[j] } }
        for j in 0..<m { mean[j] /= Double(r) }
        var c = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        for row in samples {
            for j in 0..<m { for l in 0...j { c[j][l] += (row[j] - mean[j]) * (row[l] - mean[l]) } }
        }
        for j in 0..<m { for l in 0...j { c[j][l] /= Double(r - 1) * Double(r); c[l][j] = c[j][l] } }
        let full = fullCovariance ?? (r >= m + 2)
        var w = c
        if !full { for j in 0..<m { for l in 0..<m where l != j { w[j][l] = 0 } } }
        guard let lower = cholesky(w) else { throw Failure(description: "the covariance of the checkpoints is singular") }
        // X̃ (m × k), ỹ (m), and L⁻¹ itself (m × m) for the weights.
        let xt = (0..<k).map { col in forwardSolve(lower, (0..<m).map { x[$0][col] }) }   // k columns
        let yt = forwardSolve(lower, mean)
        var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in 0..<k { for j in 0..<k { a[i][j] = dot(xt[i], xt[j]) } }
        guard let aLower = cholesky(a) else { throw Failure(description: "the fit's design is singular") }
        let aInverse = (0..<k).map { i in choleskySolve(aLower, (0..<k).map { $0 == i ? 1.0 : 0.0 }) }
        let rhs = (0..<k).map { dot(xt[$0], yt) }
        let beta = (0..<k).map { i in dot(aInverse[i], rhs) }
        // w = Σ_i (A⁻¹)₀ᵢ X̃ᵢᵀ L⁻¹ = L⁻ᵀ (Σ_i (A⁻¹)₀ᵢ X̃ᵢ).
        var v = [Double](repeating: 0, count: m)
        for i in 0..<k { for j in 0..<m { v[j] += aInverse[0][i] * xt[i][j] } }
        let weights = backwardSolveTransposed(lower, v)
        var variance = 0.0
        for j in 0..<m { for l in 0..<m { variance += weights[j] * c[j][l] * weights[l] } }
        var chi2 = Double.nan
        if full {
            chi2 = 0
            for j in 0..<m {
                var fitted = 0.0
                for i in 0..<k { fitted += xt[i][j] * beta[i] }
                chi2 += (yt[j] - fitted) * (yt[j] - fitted)
            }
        }
        return ScalingFitResult(parameters: beta, pcError: variance.squareRoot(), chi2: chi2, dof: m - k, weights: weights)
    }

    /// Jackknife standard error of p̂_c over growths: each growth left out in turn, the whole fit
    /// (covariance, weights and all) redone on the other R − 1, and
    ///
    ///     se² = (R − 1)/R · Σ_i (p̂_(i) − mean p̂_(·))².
    ///
    /// Unlike sqrt(wᵀ C w) it includes the noise of weights estimated from the same data, which at
    /// R of a few dozen makes sqrt(wᵀ C w) too small (measured: z spread 1.4 instead of 1 at R = 32).
    public static func jackknifeError(samples: [[Double]], sizes: [Int], form: ScalingForm) throws -> Double {
        let r = samples.count
        guard r >= 3 else { return .infinity }
        let full = r >= sizes.count + 3
        var estimates: [Double] = []
        estimates.reserveCapacity(r)
        for i in 0..<r {
            var rest = samples
            rest.remove(at: i)
            estimates.append(try fit(samples: rest, sizes: sizes, form: form, fullCovariance: full).pc)
        }
        let mean = estimates.reduce(0, +) / Double(r)
        let ss = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (ss * Double(r - 1) / Double(r)).squareRoot()
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    /// Lower-triangular L with L Lᵀ = a (nil unless a is positive definite).
    static func cholesky(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i][i] = s.squareRoot()
                } else {
                    l[i][j] = s / l[j][j]
                }
            }
        }
        return l
    }

    /// Solves L z = b.
    static func forwardSolve(_ l: [[Double]], _ b: [Double]) -> [Double] {
        var z = b
        for i in 0..<b.count {
            for k in 0..<i { z[i] -= l[i][k] * z[k] }
            z[i] /= l[i][i]
        }
        return z
    }

    /// Solves Lᵀ z = b.
    static func backwardSolveTransposed(_ l: [[Double]], _ b: [Double]) -> [Double] {
        var z = b
        for i in stride(from: b.count - 1, through: 0, by: -1) {
            for k in (i + 1)..<b.count { z[i] -= l[k][i] * z[k] }
            z[i] /= l[i][i]
        }
        return z
    }

    /// Solves (L Lᵀ) z = b.
    static func choleskySolve(_ l: [[Double]], _ b: [Double]) -> [Double] {
        backwardSolveTransposed(l, forwardSolve(l, b))
    }
}
