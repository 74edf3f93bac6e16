import Support

/// Search for a center of two deep-linear minima A, B (``DeepLinearRegression``): a point C with
/// zero loss along both segments A → C and C → B.
///
/// Along a segment F_l(t) = (1−t)S_l + tC_l the product W_L(t)⋯W_1(t) − W* is a matrix polynomial
/// of degree L in t, so the integrated loss Σ_{S∈{A,B}} ∫₀¹ R(S + t(C − S)) dt is a polynomial of
/// degree 2L integrated exactly by (L+1)-point Gauss–Legendre quadrature:
///
///     J(C) = Σ_S Σ_k w_k ‖P_S(t_k) − W*‖_F² = ‖r(C)‖²,   r = (√w_k (P_S(t_k) − W*))_{S,k}.
///
/// J is the exact integral of a nonnegative polynomial in t, so J(C) = 0 iff both segments have
/// zero loss everywhere. We minimize J by Levenberg–Marquardt
/// with minimum-norm steps δ = −Jᵀ(JJᵀ + μI)⁻¹r (few residuals 2(L+1)d², many parameters), with
/// analytic Jacobian ∂P(t)/∂C_l = t·(F_L⋯F_{l+1}) [δC_l] (F_{l−1}⋯F_1). Starts: the midpoint
/// (A+B)/2, then the midpoint plus N(0, 0.1²/fan-in) noise for the further restarts. This is a
/// local search: failing to find a center is evidence, not proof, that none exists.
public enum DeepLinearCenter {
    public struct Result: Sendable {
        /// The best point found, flat θ.
        public var center: [Double]
        /// J at the center.
        public var integratedLoss: Double
        public var iterations: Int
    }

    public static func search(_ problem: DeepLinearRegression, _ a: [Double], _ b: [Double],
                              restarts: Int, rng: RandomGenerator, maxIterations: Int = 400,
                              target: Double = 1e-26) -> Result {
        var best: Result?
        let o = problem.offsets, s = problem.shapes
        for attempt in 0..<max(1, restarts) {
            var start = [Double](repeating: 0, count: a.count)
            for k in start.indices { start[k] = 0.5 * (a[k] + b[k]) }
            if attempt > 0 {
                for l in 0..<problem.depth {
                    let sd = 0.1 / Double(s[l].cols).squareRoot()
                    for k in o[l]..<o[l + 1] { start[k] += rng.gaussian(sigma: sd) }
                }
            }
            let r = levenbergMarquardt(problem, a, b, start: start, maxIterations: maxIterations, target: target)
            if best == nil || r.integratedLoss < best!.integratedLoss { best = r }
            if r.integratedLoss <= target { break }
        }
        return best!
    }

    /// Residuals r(C) [R] and, if asked, the Jacobian [R, N] row-major.
    static func residuals(_ problem: DeepLinearRegression, _ a: [Double], _ b: [Double], _ c: [Double],
                          jacobian: Bool) -> (r: [Double], j: [Double]) {
        let d = problem.dimension, depth = problem.depth, s = problem.shapes, o = problem.offsets
        let quadrature = DenseSmall.gaussLegendre(depth + 1)
        let n = problem.parameterCount
        let rowsPerNode = d * d
        let count = 2 * quadrature.nodes.count * rowsPerNode
        var r = [Double](repeating: 0, count: count)
        var jac = jacobian ? [Double](repeating: 0, count: count * n) : []
        var row = 0
        for endpoint in [a, b] {
            for (t, w) in zip(quadrature.nodes, quadrature.weights) {
                let sw = w.squareRoot()
                var f: [[Double]] = []   // F_l(t), shapes s[l]
                for l in 0..<depth {
                    var m = [Double](repeating: 0, count: o[l + 1] - o[l])
                    for k in m.indices { m[k] = (1 - t) * endpoint[o[l] + k] + t * c[o[l] + k] }
                    f.append(m)
                }
                var right: [[Double]] = [DenseSmall.identity(d)]   // right[l] = F_{l−1}⋯F_1 [cols_l, d]
                for l in 0..<depth {
                    right.append(DenseSmall.multiply(f[l], right[l], n: s[l].rows, k: s[l].cols, p: d))
                }
                let product = right[depth]   // [d, d]
                for k in 0..<rowsPerNode { r[row + k] = sw * (product[k] - problem.teacher[k]) }
                if jacobian {
                    var left = DenseSmall.identity(d)   // F_L⋯F_{l+1} [d, rows_l]
                    for l in stride(from: depth - 1, through: 0, by: -1) {
                        let rows = s[l].rows, cols = s[l].cols
                        let rl = right[l]   // [cols, d]
                        for ai in 0..<d {
                            for bi in 0..<d {
                                let base = (row + ai * d + bi) * n + o[l]
                                for p in 0..<rows {
                                    let lp = sw * t * left[ai * rows + p]
                                    if lp == 0 { continue }
                                    for q in 0..<cols { jac[base + p * cols + q] = lp * rl[q * d + bi] }
                                }
                            }
                        }
                        if l > 0 { left = DenseSmall.multiply(left, f[l], n: d, k: rows, p: cols) }
                    }
                }
                row += rowsPerNode
            }
        }
        return (r, jac)
    }

    static func levenbergMarquardt(_ problem: DeepLinearRegression, _ a: [Double], _ b: [Double],
                                   start: [Double], maxIterations: Int, target: Double) -> Result {
        var c = start
        var (r, jac) = residuals(problem, a, b, c, jacobian: true)
        var value = r.reduce(0) { $0 + $1 * $1 }
        var mu = 1e-3
        let n = problem.parameterCount, count = r.count
        var iterations = 0
        while iterations < maxIterations, value > target, mu < 1e12 {
            iterations += 1
            // (J Jᵀ + μ I) y = r;  δ = −Jᵀ y.
            var normal = [Double](repeating: 0, count: count * count)   // [R, R]
            for i in 0..<count {
                for k in 0...i {
                    var sum = 0.0
                    for p in 0..<n { sum += jac[i * n + p] * jac[k * n + p] }
                    normal[i * count + k] = sum
                    normal[k * count + i] = sum
                }
                normal[i * count + i] += mu
            }
            guard let y = DenseSmall.solveSPD(normal, r, n: count, p: 1) else { mu *= 10; continue }
            var trial = c
            for p in 0..<n {
                var sum = 0.0
                for i in 0..<count { sum += jac[i * n + p] * y[i] }
                trial[p] -= sum
            }
            let tr = residuals(problem, a, b, trial, jacobian: false).r
            let tv = tr.reduce(0) { $0 + $1 * $1 }
            if tv < value {
                c = trial
                value = tv
                mu = max(mu / 3, 1e-15)
                (r, jac) = residuals(problem, a, b, c, jacobian: true)
            } else {
                mu *= 4
            }
        }
        return Result(center: c, integratedLoss: value, iterations: iterations)
    }
}
