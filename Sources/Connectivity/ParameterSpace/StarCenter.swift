import NetworkCore
import Support

/// The star-center objective of Lin, Li & Wu (arXiv 2404.06391, Sec. 4), minimized stochastically.
///
/// For minima θ_1 … θ_K of a risk R, a center θ̃ minimizes
///
///     J(θ) = (1/K) Σ_i [ E_{t∼U[0,1]} R(tθ + (1−t)θ_i) + λ‖θ − θ_i‖² ],
///
/// so every straight segment θ_i → θ̃ is low-loss (λ = 0: star-shaped connectivity); λ > 0 pulls
/// θ̃ toward the minima and shortens the two-piece paths θ_i → θ̃ → θ_j (geodesic estimate).
/// Each step samples one minimum i uniformly and `samplesPerStep` values t ∼ U[0,1] (the paper:
/// three), and uses the unbiased gradient estimate
///
///     g = (1/T) Σ_k t_k ∇R(t_kθ + (1−t_k)θ_i) + 2λ(θ − θ_i)
///
/// (∂/∂θ of R at the interpolated point is t·∇R), then one Adam step. ∇R is the caller's
/// estimate at step s (a minibatch that depends only on s), so the run is a deterministic
/// function of the seed. Defaults follow the calibration: Adam lr 1e-3 started from the
/// mean of the minima (lr 1e-2 drifts away from the minima in the PyTorch reference).
///
/// Stopping. `steps` is a cap. With `checkEvery` > 0 and an objective estimate Ĵ (J on a fixed
/// sample: the caller's, e.g. ``StarCheckpoint``), Ĵ is evaluated every `checkEvery` steps and at
/// the last step; with `tolerance` τ > 0 the run stops early once `patience` consecutive checks
/// fail to lower the best Ĵ so far by more than τ·Ĵ_best (a plateau of the objective — never of
/// the barrier or G, which the rule does not see).
public struct StarCenterConfiguration: Sendable {
    /// Where the center starts.
    public enum Start: String, Sendable, CaseIterable, Codable {
        /// (1/K) Σ θ_i — the default.
        case mean
        /// The first minimum θ_1.
        case first
    }
    public var steps: Int
    public var learningRate: Float
    public var lambda: Double
    public var samplesPerStep: Int
    public var start: Start
    public var seed: UInt64
    public var generator: String?
    /// Steps between objective checks (0: never check).
    public var checkEvery: Int
    /// Relative improvement of the best Ĵ a check must beat (0: never stop before `steps`).
    public var tolerance: Double
    /// Consecutive checks without such an improvement that end the run.
    public var patience: Int

    public init(steps: Int, learningRate: Float = 1e-3, lambda: Double = 0, samplesPerStep: Int = 3,
                start: Start = .mean, seed: UInt64, generator: String? = nil,
                checkEvery: Int = 0, tolerance: Double = 0, patience: Int = 2) {
        self.steps = steps
        self.learningRate = learningRate
        self.lambda = lambda
        self.samplesPerStep = samplesPerStep
        self.start = start
        self.seed = seed
        self.generator = generator
        self.checkEvery = checkEvery
        self.tolerance = tolerance
        self.patience = patience
    }

    public func validate() throws {
        guard steps >= 0 else { throw ModeLatticeError.usage("center steps must be ≥ 0 (got \(steps))") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ModeLatticeError.usage("center learning rate must be a positive number (got \(learningRate))")
        }
        guard lambda >= 0, lambda.isFinite else { throw ModeLatticeError.usage("lambda must be ≥ 0 (got \(lambda))") }
        guard samplesPerStep >= 1 else { throw ModeLatticeError.usage("t samples per step must be ≥ 1 (got \(samplesPerStep))") }
        guard checkEvery >= 0 else { throw ModeLatticeError.usage("center check interval must be ≥ 0 (got \(checkEvery))") }
        guard tolerance >= 0, tolerance.isFinite else { throw ModeLatticeError.usage("center tolerance must be ≥ 0 (got \(tolerance))") }
        guard tolerance == 0 || checkEvery > 0 else {
            throw ModeLatticeError.usage("a center tolerance needs a check interval > 0")
        }
        guard patience >= 1 else { throw ModeLatticeError.usage("center patience must be ≥ 1 (got \(patience))") }
    }
}

/// The risk a center descends: (θ [P], step s) → (R(θ), ∇R(θ) [P]) on step s's minibatch.
public typealias StarCenterRisk = ([Float], Int) throws -> (loss: Double, gradient: [Float])

/// One objective check of a center run: after `step` steps, the mean sampled risk of the steps
/// since the previous check and the caller's objective estimate Ĵ at the current center.
public struct StarCenterCheck: Sendable, Equatable {
    public var step: Int
    public var sampledRisk: Double
    public var objective: Double
}

/// A finished center run: the center, the steps taken, whether the plateau rule stopped it
/// before the cap, and its checks in order.
public struct StarCenterRun: Sendable {
    public var center: [Float]
    public var steps: Int
    public var converged: Bool
    public var checks: [StarCenterCheck]
}

public enum StarCenter {
    /// (1/K) Σ θ_i, accumulated in Double. minima: K vectors [P].
    public static func mean(_ minima: [[Float]]) -> [Float] {
        guard let n = minima.first?.count else { return [] }
        var sum = [Double](repeating: 0, count: n)
        for m in minima { for k in 0..<n { sum[k] += Double(m[k]) } }
        let inv = 1 / Double(minima.count)
        return sum.map { Float($0 * inv) }
    }

    /// Minimizes J over θ starting from `configuration.start`.
    /// - Parameters:
    ///   - minima: θ_1 … θ_K, each [P] (K ≥ 1).
    ///   - risk: (θ [P], step s) → (R(θ), ∇R(θ) [P]) estimated on step s's minibatch.
    ///   - initial: a start [P] overriding `configuration.start`.
    ///   - onStep: (step, mean sampled risk) after every step.
    /// - Returns: the center θ̃ [P].
    public static func optimize(minima: [[Float]], configuration c: StarCenterConfiguration, initial: [Float]? = nil,
                                risk: ([Float], Int) throws -> (loss: Double, gradient: [Float]),
                                onStep: (Int, Double) -> Void = { _, _ in }) throws -> [Float] {
        try run(minima: minima, configuration: c, initial: initial, risk: risk, onStep: onStep).center
    }

    /// As ``optimize(minima:configuration:initial:risk:onStep:)``, with objective checks and the
    /// plateau rule of ``StarCenterConfiguration``.
    /// - Parameters:
    ///   - objective: Ĵ(θ) [P] → Double, called at checks (required for checks to happen).
    ///   - onCheck: after every check.
    public static func run(minima: [[Float]], configuration c: StarCenterConfiguration, initial: [Float]? = nil,
                           risk: ([Float], Int) throws -> (loss: Double, gradient: [Float]),
                           objective: (([Float]) throws -> Double)? = nil,
                           onStep: (Int, Double) -> Void = { _, _ in },
                           onCheck: (StarCenterCheck) -> Void = { _ in }) throws -> StarCenterRun {
        try c.validate()
        if c.tolerance > 0 && objective == nil {
            throw ModeLatticeError.usage("a center tolerance needs an objective estimate to check")
        }
        guard let n = minima.first?.count, minima.allSatisfy({ $0.count == n }) else {
            throw ModeLatticeError.data("star center needs at least one minimum, all of one parameter count")
        }
        if let initial, initial.count != n {
            throw ModeLatticeError.data("center start has \(initial.count) values, the minima \(n)")
        }
        var theta = initial ?? (c.start == .mean ? mean(minima) : minima[0])
        var adam = Adam(learningRate: c.learningRate)
        let rng = try RandomGenerator(algorithm: c.generator, seed: SeedSequence.derive(c.seed, stream: "star-center", index: 0))
        var g = [Float](repeating: 0, count: n)        // [P]
        let lambda = Float(c.lambda), inv = 1 / Double(c.samplesPerStep)
        var checks: [StarCenterCheck] = []
        var riskSince = 0.0, stepsSince = 0
        var best = Double.infinity, stale = 0
        var taken = 0, converged = false
        func check(_ step: Int) throws {
            guard let objective else { return }
            let value = try objective(theta)
            let entry = StarCenterCheck(step: step, sampledRisk: stepsSince > 0 ? riskSince / Double(stepsSince) : .nan,
                                        objective: value)
            checks.append(entry)
            onCheck(entry)
            riskSince = 0
            stepsSince = 0
            stale = best.isInfinite || value < best * (1 - c.tolerance) ? 0 : stale + 1
            best = min(best, value)
        }
        if c.checkEvery > 0 { try check(0) }
        for step in 0..<c.steps {
            let i = rng.uniformInt(minima.count)
            let anchor = minima[i]
            for k in 0..<n { g[k] = 0 }
            var lossSum = 0.0
            for _ in 0..<c.samplesPerStep {
                let t = rng.uniform()
                let point = ParameterPath<Float>.interpolate(anchor, theta, t)   // tθ + (1−t)θ_i
                let (loss, grad) = try risk(point, step)
                guard loss.isFinite else {
                    throw ModeLatticeError.software("star-center loss became non-finite at step \(step + 1); lower the center learning rate (now \(c.learningRate))")
                }
                lossSum += loss
                let w = Float(t * inv)
                for k in 0..<n { g[k] += w * grad[k] }
            }
            if lambda > 0 {
                for k in 0..<n { g[k] += 2 * lambda * (theta[k] - anchor[k]) }
            }
            adam.step(&theta, gradient: g)
            onStep(step + 1, lossSum * inv)
            riskSince += lossSum * inv
            stepsSince += 1
            taken = step + 1
            if c.checkEvery > 0 && taken % c.checkEvery == 0 {
                try check(taken)
                if c.tolerance > 0 && stale >= c.patience { converged = true; break }
            }
        }
        if c.checkEvery > 0 && stepsSince > 0 { try check(taken) }
        return StarCenterRun(center: theta, steps: taken, converged: converged, checks: checks)
    }
}
