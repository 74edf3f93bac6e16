import Foundation

/// The two-layer ReLU teacher–student problem of Lin, Li & Wu (arXiv 2404.06391, Sec. 4):
/// teacher f*(x) = Σ_{j<M} σ(e_j·x) with the first M standard basis vectors as neurons, student
/// f(x; W) = Σ_{i<m} σ(w_i·x) with no output weights, σ = ReLU, and x uniform on the unit sphere
/// S^{d−1} (d ≥ M). The population loss R(W) = E_x (f(x; W) − f*(x))² is evaluated in closed form.
///
/// Closed form. For g ~ N(0, I_d) the arc-cosine kernel of degree 1 (Cho & Saul 2009) is
/// E[σ(u·g)σ(v·g)] = ‖u‖‖v‖ (sin θ + (π − θ) cos θ)/(2π), θ = ∠(u, v). Writing g = r·x with
/// r² ~ χ²_d independent of x uniform on the sphere and E r² = d, the sphere kernel is that divided
/// by d:
///
///     κ(u, v) = E_x[σ(u·x)σ(v·x)] = ‖u‖‖v‖ (sin θ + (π − θ) cos θ) / (2π d),
///
/// which gives E_x σ(u·x)² = ‖u‖²/(2d) = E(u·x)²/2 as it must; κ(0, ·) = 0. Then
///
///     R(W) = Σ_{i,i'} κ(w_i, w_i') − 2 Σ_{i,j} κ(w_i, e_j) + Σ_{j,j'} κ(e_j, e_j'),
///
/// with Σ_{j,j'} κ(e_j, e_j') = M/(2d) + M(M−1)/(2πd). The whole sum is O(m² d) flops.
public struct ReLUTeacherStudent: Sendable {
    /// Number of teacher neurons M.
    public let teachers: Int
    /// Input dimension d (≥ M).
    public let inputDimension: Int

    public init(teachers: Int, inputDimension: Int) {
        precondition(teachers >= 1 && inputDimension >= teachers, "need 1 ≤ M ≤ d")
        self.teachers = teachers
        self.inputDimension = inputDimension
    }

    /// J(c) = sin θ + (π − θ) cos θ at cos θ = c (clamped to [−1, 1] against rounding).
    @inline(__always) static func angularFactor(cosine c0: Double) -> Double {
        let c = min(1, max(-1, c0))
        return (1 - c * c).squareRoot() + (Double.pi - acos(c)) * c
    }

    /// κ(u, v) for x uniform on S^{d−1}, with `inputDimension` as d.
    public func kernel(_ u: [Double], _ v: [Double]) -> Double {
        var uu = 0.0, vv = 0.0, uv = 0.0
        for k in u.indices {
            uu += u[k] * u[k]
            vv += v[k] * v[k]
            uv += u[k] * v[k]
        }
        let nu = uu.squareRoot(), nv = vv.squareRoot()
        if nu == 0 || nv == 0 { return 0 }
        return nu * nv * ReLUTeacherStudent.angularFactor(cosine: uv / (nu * nv))
            / (2 * Double.pi * Double(inputDimension))
    }

    /// Σ_{j,j'} κ(e_j, e_j') = M/(2d) + M(M−1)/(2πd).
    public var teacherSelfTerm: Double {
        let m = Double(teachers), d = Double(inputDimension)
        return m / (2 * d) + m * (m - 1) / (2 * Double.pi * d)
    }

    /// R(W) for W flattened row-major, shape [m, d] (row i is neuron w_i).
    public func loss(_ weights: [Double]) -> Double {
        let d = inputDimension
        precondition(weights.count % d == 0, "weights must have shape [m, d]")
        let m = weights.count / d
        let scale = 1 / (2 * Double.pi * Double(d))
        return weights.withUnsafeBufferPointer { w -> Double in
            var norms = [Double](repeating: 0, count: m)   // [m] ‖w_i‖
            for i in 0..<m {
                var s = 0.0
                for k in 0..<d { s += w[i * d + k] * w[i * d + k] }
                norms[i] = s.squareRoot()
            }
            // All terms go into one compensated (Neumaier) sum: at a minimum they cancel to 0, and
            // plain summation would leave an error growing like m²·ε.
            var total = NeumaierSum()
            for i in 0..<m where norms[i] > 0 {
                total.add(scale * norms[i] * norms[i] * Double.pi)   // θ = 0: J = π
                for i2 in (i + 1)..<max(i + 1, m) where norms[i2] > 0 {
                    var dot = 0.0
                    for k in 0..<d { dot += w[i * d + k] * w[i2 * d + k] }
                    let c = dot / (norms[i] * norms[i2])
                    total.add(2 * scale * norms[i] * norms[i2] * ReLUTeacherStudent.angularFactor(cosine: c))
                }
                for j in 0..<teachers {
                    total.add(-2 * scale * norms[i] * ReLUTeacherStudent.angularFactor(cosine: w[i * d + j] / norms[i]))
                }
            }
            total.add(teacherSelfTerm)
            return total.value
        }
    }

    /// f(x; W) − f*(x) at one input x (shape [d]); used by the Monte-Carlo cross-check.
    public func residual(_ weights: [Double], at x: [Double]) -> Double {
        let d = inputDimension, m = weights.count / d
        var f = 0.0
        for i in 0..<m {
            var s = 0.0
            for k in 0..<d { s += weights[i * d + k] * x[k] }
            f += max(0, s)
        }
        for j in 0..<teachers { f -= max(0, x[j]) }
        return f
    }
}

/// Neumaier's compensated summation (Neumaier 1974): the running error of each addition is kept
/// and added back, so the result is accurate to ~ε·Σ|terms| regardless of the number of terms.
struct NeumaierSum {
    private var sum = 0.0
    private var compensation = 0.0

    @inline(__always) mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }

    var value: Double { sum + compensation }
}
