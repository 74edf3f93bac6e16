import Support

/// Synthetic inputs by feature visualization (Olah et al. 2017; the "FVO" inputs of Vrabel et al.
/// 2025, §4.3 and App. A): starting from x₀ = σ·N(0, I) (σ = 0.01), minimize
///     CE(x, c) + λ_hf·TV(x)
/// by Adam (lr 0.05, weight decay 1e-7) for at most 8192 steps, stopping once CE < 5e-4, and
/// return the lowest-CE input seen (the optimization is not monotone).
public struct FeatureVisualization: Sendable, Codable, Equatable {
    public var learningRate = 0.05
    public var weightDecay = 1e-7
    public var iterations = 8192
    public var lossThreshold = 5e-4
    public var noiseScale = 0.01
    /// Weight of the optional high-frequency (total-variation) penalty; 0 disables it.
    public var highFrequencyWeight = 0.0

    public init() {}

    public struct Result: Sendable {
        /// [inputSize] the best input found.
        public var input: [Float]
        public var loss: Double
        public var steps: Int
    }

    /// A synthetic input of class `target`; the start draws from `rng` (GSL Gaussian).
    public func synthesize(classifier: some InputClassifier, target: Int,
                           rng: RandomGenerator) throws -> Result {
        let n = classifier.inputSize
        var x = (0..<n).map { _ in Double(Float(noiseScale * rng.gaussian())) }
        let geometry = ImageGeometry(inputShape: classifier.inputShape)
        var adam = InputAdam(count: n, learningRate: learningRate, weightDecay: weightDecay)
        var best = (input: x, loss: Double.infinity)
        var steps = 0
        while true {
            var (loss, gradient) = try classifier.lossAndGradient(x, target: target)
            if loss < best.loss { best = (x, loss) }
            if loss < lossThreshold || steps >= iterations { break }
            if highFrequencyWeight > 0, let geometry, geometry.count == n {
                TotalVariation.addGradient(x, geometry: geometry, weight: highFrequencyWeight, into: &gradient)
            }
            let step = adam.step(gradient: gradient, at: x)
            for i in 0..<n { x[i] += step[i] }
            steps += 1
        }
        return Result(input: best.input.map { Float($0) }, loss: best.loss, steps: steps)
    }
}
