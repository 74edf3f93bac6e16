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
///
/// Either way the optimizer returns the best barrier point it has seen by the measure the bypass
/// reports, the highest loss on the bent segment A → B′ → C, not simply its last iterate: CE(B′)
/// is only a lower bound of that maximum, and an iterate that drove CE(B′) down (or, at the step
/// cap, wandered off) can bend the segment over a higher barrier than the straight one. The
/// candidates are B itself (the straight segment), the iterates at the checks and the last iterate.
/// Projected mode with early stop checks as described above; otherwise (free mode, or no early
/// stop) an iterate is checked when CE(B′) is below the best maximum so far (a necessary condition
/// for a lower one), at back-off intervals 1, 2, 4, … ≤ `freeCheckInterval` steps. If no candidate
/// beats the straight segment, B is returned and the bypass keeps that segment straight.
///
/// The seed paper's released procedure (``ConnectivityProtocol/vrabel2024``) differs in two
/// switches: `projection = .gradient` projects only the gradient before the Adam step (so Adam's
/// per-coordinate scaling may move B′ a little along C − A), and `selection = .lastIterate` returns
/// the last iterate and always bends the path through it, whether or not it lowers the barrier.
public struct BypassSettings: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable { case projected, free }
    /// What the projected mode keeps orthogonal to C − A.
    public enum Projection: String, Sendable, Codable {
        /// The gradient, the Adam step and the displacement B′ − B (B′ stays on the hyperplane).
        case exact
        /// Only the gradient, g ← g − (g·v / v·v)·v with v = C − A, before the Adam step.
        case gradient
    }
    /// Which iterate becomes B′.
    public enum Selection: String, Sendable, Codable {
        /// The candidate with the lowest bent-segment peak (B itself when none beats it).
        case bestSeen = "best_seen"
        /// The last iterate, inserted into the path unconditionally.
        case lastIterate = "last_iterate"
    }
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
    public var projection: Projection
    public var selection: Selection
    /// Longest interval, in steps, between two checks of the bent segment's barrier in free mode
    /// and without early stop (projected mode with early stop keeps its interval of 32).
    public static let freeCheckInterval = 256

    public init(mode: Mode, learningRate: Double, iterations: Int, deviationWeight: Double, tvWeight: Double,
                weightDecay: Double, earlyStop: Bool, gapFraction: Double, gapFloor: Double,
                lossThreshold: Double, pointsPerSegment: Int, projection: Projection = .exact,
                selection: Selection = .bestSeen) {
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
        self.projection = projection
        self.selection = selection
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

/// Why the optimization of one barrier point ended.
public enum BypassStop: String, Sendable, Codable {
    /// Its criterion was met: bent-segment gap ≤ tolerance (projected) or CE(B′) < threshold (free).
    case criterion
    /// It ran all `iterations` steps first (always so without early stop).
    case stepCap = "step_cap"
}

/// One optimized barrier point.
public struct BypassPoint: Sendable, Codable {
    /// B′ [inputSize]: the best point seen (B itself when no iterate beat the straight segment).
    public var point: [Float]
    /// max|B′ − B|.
    public var maxDisplacement: Double
    /// |(B′−B)·(C−A)| / (|B′−B|·|C−A|), 0 when B′ = B (the projected mode keeps it ≈ 0).
    public var orthogonality: Double
    /// Adam steps taken.
    public var steps: Int
    /// CE(B′).
    public var loss: Double
    /// Why the optimization ended.
    public var stop: BypassStop
    /// The step whose iterate is B′; 0 means B: no iterate lowered the segment's barrier.
    public var bestStep: Int
    /// Highest loss on the segment through B′ (on the straight segment when `bestStep` is 0).
    public var segmentBarrierMax: Double
    /// Whether B′ bends the segment: an iterate beat the straight segment (best-seen selection),
    /// or the optimizer took at least one step (last-iterate selection).
    public var improves: Bool { bestStep > 0 }
}

/// How a bypass ended, as reported in the `bypass_status` columns.
public enum BypassStatus: String, Sendable, Codable {
    /// The straight path has no interior maximum: nothing to optimize.
    case noBarrier = "no_barrier"
    /// Every optimized point met its criterion.
    case met
    /// At least one optimized point ran into the step cap; the best path seen is returned.
    case stepCap = "step_cap"
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
    /// Every optimized point, including those that did not beat their straight segment and were
    /// therefore not inserted.
    public var points: [BypassPoint]
    /// Whether the optimizations met their criteria.
    public var status: BypassStatus
}

public enum BarrierBypass {
    /// Revision of the bypass's results, part of every checkpoint fingerprint that stores bypass
    /// outcomes: bump it whenever a change alters them, so a `.partial.jsonl` written by an older
    /// algorithm starts afresh instead of mixing in. 2: the best path seen is returned, with a status.
    public static let revision = 2

    /// Bends A → C in `rounds` rounds: each round replaces every segment that has a barrier
    /// (its highest point is interior) by two, through the optimized barrier point, when that point
    /// lowers the segment's barrier (otherwise the segment stays). One round gives A → B′ → C; two
    /// rounds up to four segments. The returned path is never higher than the straight one: should
    /// the bent path's profile peak above the straight path's, the straight path is returned.
    public static func run(classifier: some InputClassifier, from a: [Float], to c: [Float], target: Int,
                           settings: BypassSettings = .trained, rounds: Int = 1) throws -> BypassResult {
        precondition(rounds >= 1)
        let scale = Double(a.map(abs).max() ?? 0)
        var path = InputPolyline(from: a, to: c)
        var optimized: [BypassPoint] = []
        var inserted: [BypassPoint] = []
        var straight: LossProfile?
        for _ in 0..<rounds {
            var vertices: [[Float]] = [path.vertices[0]]
            var alphas: [Double] = [0]
            for s in 0..<path.segmentCount {
                let u = path.vertices[s], v = path.vertices[s + 1]
                let segment = InputPolyline(vertices: [u, v], alphas: [path.alphas[s], path.alphas[s + 1]])
                let profile = try LossProfile.along(segment, classifier: classifier, target: target,
                                                    pointsPerSegment: settings.pointsPerSegment)
                if straight == nil { straight = profile }            // round 1: the whole straight path
                let barrier = Barrier(profile: profile)
                let last = profile.losses.count - 1
                if barrier.argmax != 0 && barrier.argmax != last {
                    let t = Double(barrier.argmax) / Double(last)
                    let b = InputPolyline.mix(u, v, t)
                    let p = try optimizePoint(classifier: classifier, a: u, b: b, c: v, target: target,
                                              segmentBarrier: barrier, settings: settings)
                    optimized.append(p)
                    if p.improves {
                        inserted.append(p)
                        vertices.append(p.point)
                        alphas.append(barrier.alphaAtMax)
                    }
                }
                vertices.append(v)
                alphas.append(path.alphas[s + 1])
            }
            path = InputPolyline(vertices: vertices, alphas: alphas)
        }
        let status: BypassStatus = optimized.isEmpty ? .noBarrier
            : (optimized.allSatisfy { $0.stop == .criterion } ? .met : .stepCap)
        var profile = try LossProfile.along(path, classifier: classifier, target: target,
                                            pointsPerSegment: settings.pointsPerSegment)
        if settings.selection == .bestSeen, let straight, path.segmentCount > 1,
           Barrier(profile: profile).barrierMax > Barrier(profile: straight).barrierMax {
            // Each inserted point lowered its own segment's peak, so this takes a rounding
            // difference between batched profiles; the straight path is then the better path.
            path = InputPolyline(from: a, to: c)
            profile = straight
            inserted = []
        }
        let deviation = scale > 0 ? (inserted.map(\.maxDisplacement).max() ?? 0) / scale : 0
        return BypassResult(path: path, profile: profile, barrier: Barrier(profile: profile),
                            deviation: deviation, orthogonality: inserted.map(\.orthogonality).max() ?? 0,
                            points: optimized, status: status)
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
        var stop = BypassStop.stepCap
        // The best candidate so far by the bent segment's peak; B (step 0) is the straight segment.
        var best = (x: anchor, step: 0, peak: segmentBarrier.barrierMax, loss: segmentBarrier.barrierMax)
        var lastChecked = -1
        let tracksBest = settings.selection == .bestSeen
        func check(_ l: Double) throws -> Barrier {
            let bent = InputPolyline(vertices: [a, x.map { Float($0) }, c], alphas: [0, 0.5, 1])
            let profile = try LossProfile.along(bent, classifier: classifier, target: target,
                                                pointsPerSegment: settings.pointsPerSegment)
            let barrier = Barrier(profile: profile)
            lastChecked = steps
            if steps > 0 && barrier.barrierMax < best.peak { best = (x, steps, barrier.barrierMax, l) }
            return barrier
        }
        // Projected mode with early stop checks only where the stop criterion can hold (as before
        // the best-point tracking, so its stopping steps are unchanged); otherwise wherever an
        // improvement can.
        let stopChecks = settings.earlyStop && settings.mode == .projected
        let maxInterval = stopChecks ? 32 : BypassSettings.freeCheckInterval
        var nextCheck = 0, interval = 1
        optimization: while true {
            let (l, g) = try classifier.lossAndGradient(x, target: target)
            loss = l
            if steps == 0 { best.loss = l }
            if stopChecks {
                if steps == 0 && segmentBarrier.barrierGap <= tolerance { stop = .criterion; break optimization }
                if l - endpointMax <= tolerance && steps >= nextCheck {
                    let bent = try check(l)
                    if bent.barrierGap <= tolerance {
                        // Met: every earlier candidate had a larger gap, so this one is the best
                        // (taken even if rounding put its peak level with an earlier one).
                        if best.step != steps { best = (x, steps, bent.barrierMax, l) }
                        stop = .criterion
                        break optimization
                    }
                    nextCheck = steps + interval
                    interval = min(interval * 2, maxInterval)
                }
            } else {
                if tracksBest && steps > 0 && l < best.peak && steps >= nextCheck {
                    _ = try check(l)
                    nextCheck = steps + interval
                    interval = min(interval * 2, maxInterval)
                }
                if settings.earlyStop && settings.mode == .free && l < settings.lossThreshold {
                    stop = .criterion
                    break optimization
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
            if settings.projection == .exact { project(&step) }
            for i in 0..<n { x[i] += step[i] }
            if settings.mode == .projected && settings.projection == .exact {
                var d = (0..<n).map { x[$0] - anchor[$0] }
                project(&d)
                for i in 0..<n { x[i] = anchor[i] + d[i] }
            }
            steps += 1
        }
        if tracksBest {
            // The last iterate is a candidate too (when it could beat the best and was not just checked).
            if steps > 0 && lastChecked != steps && loss < best.peak { _ = try check(loss) }
        } else if steps > 0 {
            // Last-iterate selection: B′ is where the optimizer stopped, whatever its bent segment's peak.
            let bent = InputPolyline(vertices: [a, x.map { Float($0) }, c], alphas: [0, 0.5, 1])
            let peak = Barrier(profile: try LossProfile.along(bent, classifier: classifier, target: target,
                                                              pointsPerSegment: settings.pointsPerSegment)).barrierMax
            best = (x, steps, peak, loss)
        }
        x = best.x
        loss = best.loss
        let point = x.map { Float($0) }
        let displacement = (0..<n).map { Double(point[$0]) - anchor[$0] }
        let dNorm = displacement.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var along = 0.0
        for i in 0..<n { along += displacement[i] * u[i] }
        return BypassPoint(point: point, maxDisplacement: displacement.map(abs).max() ?? 0,
                           orthogonality: dNorm > 0 && norm > 0 ? abs(along) / dNorm : 0,
                           steps: steps, loss: loss, stop: stop, bestStep: best.step,
                           segmentBarrierMax: best.peak)
    }
}
