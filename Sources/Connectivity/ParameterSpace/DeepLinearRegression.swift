import Support

/// Deep linear regression: f(x; θ) = W_L ⋯ W_1 x with W_1 [m, d], W_2…W_{L−1} [m, m], W_L [d, m]
/// (depth L ≥ 2, width m ≥ d), teacher y = W* x, x ~ N(0, I_d), population loss
///
///     R(θ) = E‖(W_L⋯W_1 − W*) x‖² = ‖W_L⋯W_1 − W*‖_F².
///
/// The global minima are exactly the factorizations W_L⋯W_1 = W* (Lin, Li & Wu, arXiv 2404.06391,
/// study their 2-piece and star connectivity). θ is the flat concatenation of the factors,
/// each row-major, W_1 first.
public struct DeepLinearRegression: Sendable {
    public let dimension: Int
    public let width: Int
    public let depth: Int
    /// W*, shape [d, d].
    public let teacher: [Double]

    public init(dimension: Int, width: Int, depth: Int, teacher: [Double]) {
        precondition(depth >= 2 && width >= dimension && dimension >= 1 && teacher.count == dimension * dimension)
        self.dimension = dimension
        self.width = width
        self.depth = depth
        self.teacher = teacher
    }

    /// (rows, cols) of W_1 … W_L.
    public var shapes: [(rows: Int, cols: Int)] {
        (0..<depth).map { l in
            (l == depth - 1 ? dimension : width, l == 0 ? dimension : width)
        }
    }

    /// Offsets of each factor in θ, and the total count.
    public var offsets: [Int] {
        var o: [Int] = [0]
        for s in shapes { o.append(o.last! + s.rows * s.cols) }
        return o
    }

    public var parameterCount: Int { offsets.last! }

    func factor(_ theta: [Double], _ l: Int) -> [Double] {
        let o = offsets
        return Array(theta[o[l]..<o[l + 1]])
    }

    /// W_L ⋯ W_1, shape [d, d].
    public func product(_ theta: [Double]) -> [Double] {
        let s = shapes
        var p = factor(theta, 0)   // [m, d]
        for l in 1..<depth {
            p = DenseSmall.multiply(factor(theta, l), p, n: s[l].rows, k: s[l].cols, p: dimension)
        }
        return p
    }

    /// R(θ) = ‖W_L⋯W_1 − W*‖_F².
    public func loss(_ theta: [Double]) -> Double {
        let p = product(theta)
        var s = 0.0
        for k in p.indices { s += (p[k] - teacher[k]) * (p[k] - teacher[k]) }
        return s
    }

    /// A random global minimum: W_1 … W_{L−1} with iid N(0, 1/fan-in) entries, Q = W_{L−1}⋯W_1
    /// [m, d], and W_L = W*Q⁺ + Z(I − QQ⁺) with Q⁺ = (QᵀQ)⁻¹Qᵀ and Z [d, m] iid N(0, 1/m), so that
    /// W_L Q = W* exactly (up to rounding) and W_L is random in the directions Q does not see.
    /// Nil only if QᵀQ is numerically singular (probability 0 for m ≥ d).
    public func sampleMinimum(rng: RandomGenerator) -> [Double]? {
        let s = shapes, d = dimension, m = width
        var theta = [Double](repeating: 0, count: parameterCount)
        let o = offsets
        for l in 0..<(depth - 1) {
            let sd = (1 / Double(s[l].cols)).squareRoot()
            for k in o[l]..<o[l + 1] { theta[k] = rng.gaussian(sigma: sd) }
        }
        var q = factor(theta, 0)   // [m, d]
        for l in 1..<(depth - 1) { q = DenseSmall.multiply(factor(theta, l), q, n: m, k: m, p: d) }
        let qt = DenseSmall.transpose(q, n: m, p: d)                      // [d, m]
        let gram = DenseSmall.multiply(qt, q, n: d, k: m, p: d)            // [d, d]
        guard let pinv = DenseSmall.solveSPD(gram, qt, n: d, p: m) else { return nil }   // Q⁺ [d, m]
        let projector = DenseSmall.multiply(q, pinv, n: m, k: d, p: m)     // QQ⁺ [m, m]
        var complement = DenseSmall.identity(m)
        for k in complement.indices { complement[k] -= projector[k] }
        var z = [Double](repeating: 0, count: d * m)                       // [d, m]
        let sz = (1 / Double(m)).squareRoot()
        for k in z.indices { z[k] = rng.gaussian(sigma: sz) }
        let last = DenseSmall.multiply(teacher, pinv, n: d, k: d, p: m)
        let free = DenseSmall.multiply(z, complement, n: d, k: m, p: m)
        for k in 0..<(d * m) { theta[o[depth - 1] + k] = last[k] + free[k] }
        return theta
    }
}
