import Foundation
import Support

/// d random orthonormal directions in R^n: a Gaussian matrix G [d, n] with iid N(0,1) entries from
/// a GSL generator, orthonormalized row by row with modified Gram–Schmidt in Double, applied twice
/// ("twice is enough", Giraud, Langou & Rozložník 2005) so that |u_i·u_j − δ_ij| is at rounding
/// level. The span of G is a uniformly random d-plane (the Gaussian distribution is rotation
/// invariant), so the rows are a Haar-random orthonormal d-frame.
///
/// `prefix` rows, when given, are orthonormalized first and kept (in order) as the leading
/// directions, e.g. the unit vector along C − A for a certificate lattice aligned with a pair.
public enum OrthonormalDirections {
    /// Rows u_0 … u_{d−1}, shape [d, n] row-major. Throws a usage error when d > n, or a data
    /// error when a prefix row is (numerically) dependent on the earlier ones.
    public static func random(count d: Int, dimension n: Int, rng: RandomGenerator,
                              prefix: [[Double]] = []) throws -> [Double] {
        guard d >= 1 else { throw ModeLatticeError.usage("the number of directions must be at least 1 (got \(d))") }
        guard d <= n else {
            throw ModeLatticeError.usage("cannot draw \(d) orthonormal directions in a \(n)-dimensional input space; use at most \(n)")
        }
        guard prefix.count <= d, prefix.allSatisfy({ $0.count == n }) else {
            throw ModeLatticeError.usage("prefix directions must be at most \(d) vectors of length \(n)")
        }
        var rows = [Double](repeating: 0, count: d * n)   // [d, n]
        for i in 0..<d {
            if i < prefix.count {
                for j in 0..<n { rows[i * n + j] = prefix[i][j] }
            } else {
                for j in 0..<n { rows[i * n + j] = rng.gaussian() }
            }
            var attempt = 0
            while true {
                let norm0 = norm(rows, row: i, n: n)
                for _ in 0..<2 {
                    for k in 0..<i {
                        var dot = 0.0
                        for j in 0..<n { dot += rows[k * n + j] * rows[i * n + j] }
                        for j in 0..<n { rows[i * n + j] -= dot * rows[k * n + j] }
                    }
                }
                let norm1 = norm(rows, row: i, n: n)
                if norm1 > 1e-10 * max(norm0, 1e-300) && norm1 > 0 {
                    for j in 0..<n { rows[i * n + j] /= norm1 }
                    break
                }
                guard i >= prefix.count, attempt < 8 else {
                    throw ModeLatticeError.data("direction \(i) is linearly dependent on the earlier ones (are A and C equal?)")
                }
                attempt += 1
                for j in 0..<n { rows[i * n + j] = rng.gaussian() }
            }
        }
        return rows
    }

    static func norm(_ rows: [Double], row i: Int, n: Int) -> Double {
        var s = 0.0
        for j in 0..<n { s += rows[i * n + j] * rows[i * n + j] }
        return s.squareRoot()
    }

    /// max_{i,j} |u_i·u_j − δ_ij| of rows [d, n]: zero for an exactly orthonormal frame.
    public static func orthonormalityError(_ rows: [Double], count d: Int, dimension n: Int) -> Double {
        var worst = 0.0
        for a in 0..<d {
            for b in a..<d {
                var dot = 0.0
                for j in 0..<n { dot += rows[a * n + j] * rows[b * n + j] }
                worst = max(worst, abs(dot - (a == b ? 1 : 0)))
            }
        }
        return worst
    }
}
