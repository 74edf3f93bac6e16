/// Why a single shared center cannot give G near 1 for many minima.
///
/// Let θ_1 … θ_K be the vertices of a regular simplex with pairwise distance D (K nearly
/// equidistant minima look like this: high-dimensional independent solutions are about equally far
/// apart). For any common center c the two-piece lengths L_ij = ‖θ_i − c‖ + ‖c − θ_j‖ satisfy
///
///     mean_{i<j} L_ij = (2/K) Σ_i ‖θ_i − c‖ ≥ (2/K) Σ_i ‖θ_i − θ̄‖ = 2R,
///
/// because Σ_i ‖θ_i − c‖ is convex and invariant under the simplex's symmetry group, so its
/// minimum (the geometric median) is the centroid θ̄, at distance R = D·√((K−1)/(2K)) from every
/// vertex. Hence max_{i<j} G_ij ≥ mean G_ij ≥ 2R/D, i.e.
///
///     max G ≥ √(2(K−1)/K)     (= 1 at K = 2, 1.155 at K = 3, 1.265 at K = 5, → √2),
///
/// with equality at the centroid. The paper's G ≤ 1.003 therefore needs a center per pair.
public enum StarGeometry {
    /// √(2(K−1)/K): the smallest possible max_{i<j} G over common centers of K simplex vertices.
    public static func sharedCenterBound(minima k: Int) -> Double {
        guard k >= 2 else { return 1 }
        return (2 * Double(k - 1) / Double(k)).squareRoot()
    }

    /// Distance from a regular simplex's vertices (pairwise distance D) to their centroid,
    /// D·√((K−1)/(2K)).
    public static func circumradius(minima k: Int, pairwiseDistance d: Double) -> Double {
        d * (Double(k - 1) / (2 * Double(k))).squareRoot()
    }

    /// max over pairs i < j of G_ij = (‖θ_i − c‖ + ‖c − θ_j‖)/‖θ_i − θ_j‖ for one common center.
    public static func maxRatio<S: BinaryFloatingPoint & Sendable>(points: [[S]], center: [S]) -> Double {
        let r = points.map { ParameterPath<S>.distance($0, center) }
        var best = 0.0
        for i in points.indices {
            for j in points.indices where j > i {
                best = max(best, (r[i] + r[j]) / ParameterPath<S>.distance(points[i], points[j]))
            }
        }
        return best
    }
}
