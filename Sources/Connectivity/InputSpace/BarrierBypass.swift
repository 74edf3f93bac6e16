import Support

/// Settings of the barrier bypass (Vrabel et al. 2025, §3.2, after Fort & Jastrzębski 2019).
///
/// `projected` (trained networks): the barrier point B of a segment A → C moves to B′ minimizing
///     CE(B′) + w·mean((B′−B)²) + λ_tv·TV(B′−B),   with B′ − B ⟂ C − A,
/// by Adam. Unlike the released code, which projects only the gradient (Adam's per-coordinate
/// scaling then leaks part of the move along C − A), the Adam STEP is projected too, and the
/// displacement is re-projected after every step, so B′ stays on the hyperplane to rounding.
/// Early stop: once the bent segment A → B′ → C has a gap ≤ max(`gapFraction`·original gap,
/// `gapFloor`). Checking costs a path evaluation, so it is done only when CE(B′) itself already
/// meets the bound (a necessary condition), at back-off intervals 1, 2, 4, … ≤ 32 steps.
///
/// `free` (untrained networks, §4.3): B′ minimizes CE alone by Adam with weight decay, without
/// projection or penalty, stopping once CE(B′) < `lossThreshold`.
public struct BypassSettings: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable { case projected, free }
    public var mode: Mode
    public var learningRate: Double
    public var iterations: Int
    public var deviationWeight: Double
    public var tvWeight: Double
    public var weightDecay: Double
    public var earlyStop: Bool
    public var gapFraction: Double
    public var gapFloor: Double
    public var lossThreshold: Double
    /// Points per segment for the loss profiles (and the early-stop check).
    public var pointsPerSegment: Int

    public init(mode: Mode, learningRate: Double, iterations: Int, deviationWeight: Double, tvWeight: Double,
                weightDecay: Double, earlyStop: Bool, gapFraction: Double, gapFloor: Double,
                lossThreshold: Double, pointsPerSegment: Int) {
        self.mode = mode
        self.learningRate = learningRate
        self.iterations = iterations
        self.deviationWeight = deviationWeight
        self.tvWeight = tvWeight
        self.weightDecay = weightDecay
        self.earlyStop = earlyStop
        self.gapFraction = gapFraction
        self.gapFloor = gapFloor
        self.lossThreshold = lossThreshold
        self.pointsPerSegment = pointsPerSegment
    }

    /// The protocol for trained networks: Adam lr 0.005, ≤ 1024 steps, w = 0.1, λ_tv = 1e-8, early stop.
    public static let trained = BypassSettings(
        mode: .projected, learningRate: 0.005, iterations: 1024, deviationWeight: 0.1, tvWeight: 1e-8,
        weightDecay: 0, earlyStop: true, gapFraction: 0.1, gapFloor: 1e-3, lossThreshold: 0,
        pointsPerSegment: 250)

    /// The protocol for untrained networks: free Adam lr 0.05, weight decay 1e-7, ≤ 4096 steps, stop at CE < 5e-4.
    public static let untrained = BypassSettings(
        mode: .free, learningRate: 0.05, iterations: 4096, deviationWeight: 0, tvWeight: 0,
        weightDecay: 1e-7, earlyStop: true, gapFraction: 0.1, gapFloor: 1e-3, lossThreshold: 5e-4,
        pointsPerSegment: 250)
}

/// One optimized barrier point.
public struct BypassPoint: Sendable, Codable {
    /// B′ [inputSize].
    public var point: [Float]
    /// max|B′ − B|.
    public var maxDisplacement: Double
    /// |(B′−B)·(C−A)| / (|B′−B|·|C−A|), 0 when B′ = B (the projected mode keeps it ≈ 0).
    public var orthogonality: Double
    /// Adam steps taken.
    public var steps: Int
    /// CE(B′).
    public var loss: Double
}

/// The outcome of a (possibly multi-round) bypass of the straight path A → C.
public struct BypassResult: Sendable {
    public var path: InputPolyline
    public var profile: LossProfile
    /// Barrier of the bent path; its endpoint losses are those of A and C.
    public var barrier: Barrier
    /// max over inserted points of max|B′ − B| / max|A|.
    public var deviation: Double
    /// Largest relative component of any B′ − B along its segment's C − A.
    public var orthogonality: Double
    public var points: [BypassPoint]
}

public enum BarrierBypass {
    /// Bends A → C in `rounds` rounds: each round replaces every segment that has a barrier
    /// (its highest point is interior) by two, through the optimized barrier point. One round gives
    /// A → B′ → C; two rounds up to four segments.
    public static func run(classifier: some InputClassifier, from a: [Float], to c: [Float], target: Int,
                           settings: BypassSettings = .trained, rounds: Int = 1) throws -> BypassResult {
        precondition(rounds >= 1)
        let scale = Double(a.map(abs).max() ?? 0)
        var path = InputPolyline(from: a, to: c)
        var inserted: [BypassPoint] = []
        for _ in 0..<rounds {
            var vertices: [[Float]] = [path.vertices[0]]
            var alphas: [Double] = [0]
            for s in 0..<path.segmentCount {
                let u = path.vertices[s], v = path.vertices[s + 1]
                let segment = InputPolyline(vertices: [u, v], alphas: [path.alphas[s], path.alphas[s + 1]])
                let profile = try LossProfile.along(segment, classifier: classifier, target: target,
                                                    pointsPerSegment: settings.pointsPerSegment)
                let barrier = Barrier(profile: profile)
                let last = profile.losses.count - 1
                if barrier.argmax != 0 && barrier.argmax != last {
                    let t = Double(barrier.argmax) / Double(last)
                    let b = InputPolyline.mix(u, v, t)
                    let p = try optimizePoint(classifier: classifier, a: u, b: b, c: v, target: target,
                                              segmentBarrier: barrier, settings: settings)
                    inserted.append(p)
                    vertices.append(p.point)
                    alphas.append(barrier.alphaAtMax)
                }
                vertices.append(v)
                alphas.append(path.alphas[s + 1])
            }
            path = InputPolyline(vertices: vertices, alphas: alphas)
        }
        let profile = try LossProfile.along(path, classifier: classifier, target: target,
                                            pointsPerSegment: settings.pointsPerSegment)
        let deviation = scale > 0 ? (inserted.map(\.maxDisplacement).max() ?? 0) / scale : 0
        return BypassResult(path: path, profile: profile, barrier: Barrier(profile: profile),
                            deviation: deviation, orthogonality: inserted.map(\.orthogonality).max() ?? 0,
                            points: inserted)
    }

    /// Optimizes the barrier point `b` of segment a → c (see ``BypassSettings``).
    public static func optimizePoint(classifier: some InputClassifier, a: [Float], b: [Float], c: [Float],
                                     target: Int, segmentBarrier: Barrier,
                                     settings: BypassSettings) throws -> BypassPoint {
        let n = b.count
        let anchor = b.map(Double.init)                              // [n] B
        // u = (C − A)/|C − A|, the normal of the hyperplane B′ moves in.
        var u = zip(c, a).map { Double($0) - Double($1) }
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in u.indices { u[i] /= norm } }
        func project(_ w: inout [Double]) {
            guard norm > 0, settings.mode == .projected else { return }
            var dot = 0.0
            for i in 0..<n { dot += w[i] * u[i] }
            for i in 0..<n { w[i] -= dot * u[i] }
        }
        let geometry = ImageGeometry(inputShape: classifier.inputShape)
        let endpointMax = max(segmentBarrier.lossA, segmentBarrier.lossC)
        let tolerance = max(settings.gapFraction * segmentBarrier.barrierGap, settings.gapFloor)

        var adam = InputAdam(count: n, learningRate: settings.learningRate,
                             weightDecay: settings.weightDecay)
        var x = anchor
        var steps = 0
        var loss = segmentBarrier.barrierMax
        var nextCheck = 0, interval = 1
        optimization: while true {
            let (l, g) = try classifier.lossAndGradient(x, target: target)
            loss = l
            if settings.earlyStop {
                switch settings.mode {
                case .free:
                    if l < settings.lossThreshold { break optimization }
                case .projected:
                    if steps == 0 && segmentBarrier.barrierGap <= tolerance { break optimization }
                    if l - endpointMax <= tolerance && steps >= nextCheck {
                        let bent = InputPolyline(vertices: [a, x.map { Float($0) }, c], alphas: [0, 0.5, 1])
                        let profile = try LossProfile.along(bent, classifier: classifier, target: target,
                                                            pointsPerSegment: settings.pointsPerSegment)
                        if Barrier(profile: profile).barrierGap <= tolerance { break optimization }
                        nextCheck = steps + interval
                        interval = min(interval * 2, 32)
                    }
                }
            }
            if steps >= settings.iterations { break optimization }
            var gradient = g
            if settings.mode == .projected {
                var d = [Double](repeating: 0, count: n)
                for i in 0..<n {
                    d[i] = x[i] - anchor[i]
                    gradient[i] += 2 * settings.deviationWeight / Double(n) * d[i]
                }
                if let geometry, geometry.count == n {
                    TotalVariation.addGradient(d, geometry: geometry, weight: settings.tvWeight, into: &gradient)
                }
                project(&gradient)
            }
            var step = adam.step(gradient: gradient, at: x)
            project(&step)
            for i in 0..<n { x[i] += step[i] }
            if settings.mode == .projected {
                var d = (0..<n).map { x[$0] - anchor[$0] }
                project(&d)
                for i in 0..<n { x[i] = anchor[i] + d[i] }
            }
            steps += 1
        }
        let point = x.map { Float($0) }
        let displacement = (0..<n).map { Double(point[$0]) - anchor[$0] }
        let dNorm = displacement.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var along = 0.0
        for i in 0..<n { along += displacement[i] * u[i] }
        return BypassPoint(point: point, maxDisplacement: displacement.map(abs).max() ?? 0,
                           orthogonality: dNorm > 0 && norm > 0 ? abs(along) / dNorm : 0,
                           steps: steps, loss: loss)
    }
}
