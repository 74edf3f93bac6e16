/// A polygonal path θ_0 → θ_1 → … → θ_K in a flat parameter vector, and the loss along it.
///
/// Mode-connectivity measurements (Garipov et al. 2018; Draxler et al. 2018; Lin, Li & Wu 2024,
/// arXiv 2404.06391) all reduce to three pieces, kept here free of any model so that every model
/// (an analytic teacher–student network, a trained MLP) can use them through a loss closure:
///
/// - the loss at P evenly spaced points t_k = k/(P−1) of each segment θ(t) = (1−t)θ_a + tθ_b;
/// - the barrier of a segment, max_k L(θ(t_k)) − max(L(θ_a), L(θ_b)) (never below 0, since t = 0
///   and t = 1 are among the points), and of a whole path, relative to its first and last vertex;
/// - the length ratio of a two-piece path θ_i → θ̃ → θ_j, G = (‖θ_i−θ̃‖ + ‖θ̃−θ_j‖)/‖θ_i−θ_j‖ ≥ 1,
///   an upper bound on the normalized geodesic distance when both segments are low-loss.
///
/// `Scalar` is `Float` for network weights (BLAS sgemm) or `Double` for analytic models; lengths
/// and losses are accumulated in Double.
public struct ParameterPath<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// The vertices θ_0 … θ_K, each of the same length n (the flattened parameter count).
    public var vertices: [[Scalar]]

    /// A path through `vertices` (at least two, all of one length; checked by the caller).
    public init(vertices: [[Scalar]]) {
        precondition(vertices.count >= 2, "a path needs at least two vertices")
        precondition(vertices.allSatisfy { $0.count == vertices[0].count }, "vertices differ in length")
        self.vertices = vertices
    }

    /// The straight segment a → b.
    public static func segment(_ a: [Scalar], _ b: [Scalar]) -> ParameterPath {
        ParameterPath(vertices: [a, b])
    }

    /// The two-piece path a → center → b.
    public static func twoPiece(_ a: [Scalar], via center: [Scalar], _ b: [Scalar]) -> ParameterPath {
        ParameterPath(vertices: [a, center, b])
    }

    public var segmentCount: Int { vertices.count - 1 }

    /// Euclidean length Σ_k ‖θ_{k+1} − θ_k‖.
    public var length: Double {
        (0..<segmentCount).reduce(0) { $0 + ParameterPath.distance(vertices[$1], vertices[$1 + 1]) }
    }

    /// Length of the path divided by the straight distance between its ends: for a two-piece path
    /// this is the paper's G = (‖θ_i−θ̃‖ + ‖θ̃−θ_j‖)/‖θ_i−θ_j‖. Infinite when the ends coincide
    /// and the path does not (NaN when both are points).
    public var lengthRatio: Double {
        length / ParameterPath.distance(vertices[0], vertices[vertices.count - 1])
    }

    /// ‖a − b‖ accumulated in Double.
    public static func distance(_ a: [Scalar], _ b: [Scalar]) -> Double {
        var sum = 0.0
        for k in a.indices {
            let d = Double(a[k]) - Double(b[k])
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// (1 − t)·a + t·b, elementwise in `Scalar`.
    public static func interpolate(_ a: [Scalar], _ b: [Scalar], _ t: Double) -> [Scalar] {
        if t == 0 { return a }   // exact endpoints, not rounded combinations
        if t == 1 { return b }
        let s = Scalar(t), r = Scalar(1 - t)
        var out = [Scalar](repeating: 0, count: a.count)
        for k in a.indices { out[k] = r * a[k] + s * b[k] }
        return out
    }

    /// The loss at `points` evenly spaced t in [0, 1] on every segment (t = 0 and t = 1 included).
    /// `points` must be at least 2. The closure sees each point once, segments in order.
    public func profile(points: Int, loss: ([Scalar]) throws -> Double) rethrows -> [SegmentProfile] {
        precondition(points >= 2, "a segment profile needs at least 2 points")
        var out: [SegmentProfile] = []
        out.reserveCapacity(segmentCount)
        for s in 0..<segmentCount {
            var ts = [Double](repeating: 0, count: points)   // [P]
            var ls = [Double](repeating: 0, count: points)   // [P]
            for k in 0..<points {
                let t = Double(k) / Double(points - 1)
                ts[k] = t
                ls[k] = try loss(ParameterPath.interpolate(vertices[s], vertices[s + 1], t))
            }
            out.append(SegmentProfile(t: ts, loss: ls))
        }
        return out
    }

    /// Barrier of the whole path relative to its two ends: max over all sampled points minus
    /// max(L(θ_0), L(θ_K)). For a two-piece path θ_i → θ̃ → θ_j this counts a high-loss center
    /// as a barrier (the per-segment ``SegmentProfile/barrier`` would not).
    public func barrier(points: Int, loss: ([Scalar]) throws -> Double) rethrows -> Double {
        let profiles = try profile(points: points, loss: loss)
        guard let start = profiles.first?.loss.first, let end = profiles.last?.loss.last else { return 0 }
        return (profiles.map(\.maxLoss).max() ?? 0) - max(start, end)
    }

    /// The largest loss anywhere on the sampled path.
    public func maxLoss(points: Int, loss: ([Scalar]) throws -> Double) rethrows -> Double {
        try profile(points: points, loss: loss).map(\.maxLoss).max() ?? 0
    }
}

/// The loss sampled along one straight segment θ(t) = (1−t)θ_a + tθ_b at t = k/(P−1).
public struct SegmentProfile: Sendable, Equatable {
    /// Positions t_k in [0, 1]. Shape [P].
    public var t: [Double]
    /// L(θ(t_k)). Shape [P].
    public var loss: [Double]

    public init(t: [Double], loss: [Double]) {
        self.t = t
        self.loss = loss
    }

    /// max_k L(θ(t_k)).
    public var maxLoss: Double { loss.max() ?? 0 }

    /// Barrier: max_k L(θ(t_k)) − max(L(θ_a), L(θ_b)). Zero when the loss never rises above the
    /// worse endpoint (a linearly connected pair of minima has barrier 0).
    public var barrier: Double {
        guard let first = loss.first, let last = loss.last else { return 0 }
        return maxLoss - max(first, last)
    }
}
