/// A piecewise-linear path in input space, V₀ → V₁ → … → V_k, with a path coordinate α_i for
/// every vertex (α₀ = 0, α_k = 1). The straight path of the protocol is (A, C) at α = (0, 1); a
/// bypass inserts B′ at the α of the barrier point B it replaced, so loss curves of the straight and
/// bent paths share one axis (as in Vrabel et al. 2025, Fig. 3).
public struct InputPolyline: Sendable {
    /// Vertices, each [inputSize].
    public var vertices: [[Float]]
    /// [k + 1], increasing from 0 to 1.
    public var alphas: [Double]

    public init(vertices: [[Float]], alphas: [Double]) {
        self.vertices = vertices
        self.alphas = alphas
    }

    /// The straight path A → C.
    public init(from a: [Float], to c: [Float]) { self.init(vertices: [a, c], alphas: [0, 1]) }

    public var segmentCount: Int { vertices.count - 1 }

    /// The protocol's interpolation x(t) = (1−t)A + tC, evaluated as A + t(C − A) in Float so that
    /// A = C gives exactly A at every t.
    @inline(__always) static func mix(_ u: [Float], _ v: [Float], _ t: Double) -> [Float] {
        let b = Float(t)
        return zip(u, v).map { $0 + b * ($1 - $0) }
    }
}

/// Cross-entropy of a fixed target class along a path: the loss curve L(α) = CE(x(α), c) of the
/// input-space protocol, evaluated at `pointsPerSegment` equally spaced points on every segment
/// (both ends included; a vertex shared by two segments appears once). Batched through the
/// classifier in chunks, so a 250-point straight path is one or two forward passes.
public struct LossProfile: Sendable, Codable {
    /// [points] path coordinates, non-decreasing from 0 to 1.
    public var alphas: [Double]
    /// [points] CE(x(α), target).
    public var losses: [Double]

    public init(alphas: [Double], losses: [Double]) {
        self.alphas = alphas
        self.losses = losses
    }

    /// Largest batch passed to the classifier at once.
    public static let chunk = 256

    public static func along(_ path: InputPolyline, classifier: some InputClassifier, target: Int,
                             pointsPerSegment: Int) throws -> LossProfile {
        precondition(pointsPerSegment >= 2 && path.vertices.count >= 2)
        var alphas: [Double] = []
        var points: [[Float]] = []
        for s in 0..<path.segmentCount {
            let u = path.vertices[s], v = path.vertices[s + 1]
            let a0 = path.alphas[s], a1 = path.alphas[s + 1]
            for j in (s == 0 ? 0 : 1)..<pointsPerSegment {
                let t = Double(j) / Double(pointsPerSegment - 1)
                alphas.append(a0 + t * (a1 - a0))
                points.append(j == 0 ? u : (j == pointsPerSegment - 1 ? v : InputPolyline.mix(u, v, t)))
            }
        }
        return LossProfile(alphas: alphas, losses: try crossEntropies(points, classifier: classifier, target: target))
    }

    /// CE of `target` at each of `points`, batched.
    public static func crossEntropies(_ points: [[Float]], classifier: some InputClassifier,
                                      target: Int) throws -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(points.count)
        var start = 0
        while start < points.count {
            let end = min(start + chunk, points.count)
            var batch: [Float] = []                      // [end − start, inputSize]
            batch.reserveCapacity((end - start) * classifier.inputSize)
            for p in points[start..<end] { batch.append(contentsOf: p) }
            out += try classifier.crossEntropy(batch, targets: Array(repeating: target, count: end - start))
            start = end
        }
        return out
    }
}
