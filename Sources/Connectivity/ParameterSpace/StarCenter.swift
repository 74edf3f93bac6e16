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
public struct StarCenterConfiguration: Sendable {
    /// Where the center starts.
    public enum Start: String, Sendable, CaseIterable {
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

    public init(steps: Int, learningRate: Float = 1e-3, lambda: Double = 0, samplesPerStep: Int = 3,
                start: Start = .mean, seed: UInt64, generator: String? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.lambda = lambda
        self.samplesPerStep = samplesPerStep
        self.start = start
        self.seed = seed
        self.generator = generator
    }

    public func validate() throws {
        guard steps >= 0 else { throw ModeLatticeError.usage("center steps must be ≥ 0 (got \(steps))") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ModeLatticeError.usage("center learning rate must be a positive number (got \(learningRate))")
        }
        guard lambda >= 0, lambda.isFinite else { throw ModeLatticeError.usage("lambda must be ≥ 0 (got \(lambda))") }
        guard samplesPerStep >= 1 else { throw ModeLatticeError.usage("t samples per step must be ≥ 1 (got \(samplesPerStep))") }
    }
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
        try c.validate()
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
        }
        return theta
    }
}
