import Foundation

/// Small dense linear algebra for the analytic parameter-space models (matrices of at most a few
/// hundred entries, row-major `[rows, cols]`); plain loops are faster than a BLAS call here.
enum DenseSmall {
    /// C = A·B with A [n, k], B [k, p] → C [n, p].
    static func multiply(_ a: [Double], _ b: [Double], n: Int, k: Int, p: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            for l in 0..<k {
                let x = a[i * k + l]
                if x == 0 { continue }
                for j in 0..<p { c[i * p + j] += x * b[l * p + j] }
            }
        }
        return c
    }

    /// Aᵀ with A [n, p] → [p, n].
    static func transpose(_ a: [Double], n: Int, p: Int) -> [Double] {
        var t = [Double](repeating: 0, count: n * p)
        for i in 0..<n { for j in 0..<p { t[j * n + i] = a[i * p + j] } }
        return t
    }

    /// Identity [n, n].
    static func identity(_ n: Int) -> [Double] {
        var e = [Double](repeating: 0, count: n * n)
        for i in 0..<n { e[i * n + i] = 1 }
        return e
    }

    /// Solves S·X = B for symmetric positive definite S [n, n] and B [n, p] by Cholesky;
    /// nil if S is not numerically positive definite.
    static func solveSPD(_ s: [Double], _ b: [Double], n: Int, p: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)   // [n, n] lower factor
        for i in 0..<n {
            for j in 0...i {
                var sum = s[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var x = b
        for c in 0..<p {
            for i in 0..<n {   // forward: L y = b
                var sum = x[i * p + c]
                for k in 0..<i { sum -= l[i * n + k] * x[k * p + c] }
                x[i * p + c] = sum / l[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {   // backward: Lᵀ x = y
                var sum = x[i * p + c]
                for k in (i + 1)..<max(i + 1, n) { sum -= l[k * n + i] * x[k * p + c] }
                x[i * p + c] = sum / l[i * n + i]
            }
        }
        return x
    }

    /// Gauss–Legendre nodes and weights on [0, 1] with n points (exact for polynomials of degree
    /// ≤ 2n − 1). Newton's iteration on P_n from the Chebyshev-like initial guesses.
    static func gaussLegendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n), weights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var dp = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                if n == 0 { break }
                for k in 2...max(2, n) where n >= 2 {
                    let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1
                    p1 = p2
                }
                let pn = n == 1 ? x : p1, pnm1 = n == 1 ? 1.0 : p0
                dp = Double(n) * (x * pn - pnm1) / (x * x - 1)
                let dx = pn / dp
                x -= dx
                if abs(dx) < 1e-16 { break }
            }
            nodes[i] = (1 - x) / 2
            weights[i] = 1 / ((1 - x * x) * dp * dp)   // 2/((1−x²)P'²) on [−1,1], halved for [0,1]
        }
        return (nodes, weights)
    }
}
