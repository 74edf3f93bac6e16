import NetworkCore
import Support

/// Star centers in input space (beyond Lin, Li & Wu, arXiv 2404.06391): the star objective over
/// inputs of a frozen classifier f. For K inputs x_1 … x_K of class c, the center x̃ minimizes
///
///     J(x) = (1/K) Σ_i E_{t∼U[0,1]} CE(f(tx + (1−t)x_i), c),
///
/// so that every straight segment x_i → x̃ keeps a low loss for class c — star-shaped
/// connectivity of the class region, the input-space counterpart of a parameter-space star center.
/// Inputs are cheap, so each Adam step uses every x_i with `samplesPerStep` t ∼ U[0,1] each
/// (a batch of K·T points): g = (1/(KT)) Σ_{i,k} t_ik ∇_x CE(t_ik x + (1−t_ik) x_i, c). The center
/// starts at the mean input and is not clipped to the pixel range.
public enum InputStar {
    public static let columns = ["i", "j", "label", "distance", "direct_barrier", "direct_agreement", "center_barrier",
                                 "center_agreement", "two_piece_length", "geodesic_bound"]

    public struct Configuration: Sendable {
        public var steps: Int
        public var learningRate: Float
        public var samplesPerStep: Int
        public var points: Int
        public var seed: UInt64
        public var generator: String?

        public init(steps: Int = 300, learningRate: Float = 1e-2, samplesPerStep: Int = 3, points: Int = 61,
                    seed: UInt64, generator: String? = nil) {
            self.steps = steps
            self.learningRate = learningRate
            self.samplesPerStep = samplesPerStep
            self.points = points
            self.seed = seed
            self.generator = generator
        }
    }

    /// Loss (CE of `label`) and agreement (1 if predicted as `label`) along a → b at P points.
    static func segment(_ classifier: any InputClassifier, _ a: [Float], _ b: [Float], label: Int, points: Int) throws -> (profile: SegmentProfile, agreement: [Double]) {
        let ts = (0..<points).map { Double($0) / Double(points - 1) }
        let batch = ts.flatMap { ParameterPath<Float>.interpolate(a, b, $0) }   // [P, D]
        let losses = try classifier.crossEntropy(batch, targets: Array(repeating: label, count: points))
        let predicted = try classifier.predictions(batch, count: points)
        return (SegmentProfile(t: ts, loss: losses), predicted.map { $0 == label ? 1 : 0 })
    }

    /// The center x̃ [D] of `inputs` (K inputs [D] each, all of class `label`).
    public static func center(_ classifier: any InputClassifier, inputs: [[Float]], label: Int,
                              configuration c: Configuration) throws -> [Float] {
        guard let d = inputs.first?.count else { throw ModeLatticeError.usage("input star needs inputs") }
        var x = StarCenter.mean(inputs)
        var adam = Adam(learningRate: c.learningRate)
        let rng = try RandomGenerator(algorithm: c.generator, seed: SeedSequence.derive(c.seed, stream: "input-star", index: 0))
        let n = inputs.count * c.samplesPerStep
        for _ in 0..<c.steps {
            var ts: [Double] = []
            var batch: [Float] = []
            batch.reserveCapacity(n * d)
            for input in inputs {
                for _ in 0..<c.samplesPerStep {
                    let t = rng.uniform()
                    ts.append(t)
                    batch += ParameterPath<Float>.interpolate(input, x, t)
                }
            }
            let (_, grads) = try classifier.crossEntropyWithInputGradient(batch, targets: Array(repeating: label, count: n))
            var g = [Float](repeating: 0, count: d)
            for (p, t) in ts.enumerated() {
                let w = Float(t / Double(n))
                for k in 0..<d { g[k] += w * grads[p * d + k] }
            }
            adam.step(&x, gradient: g)
        }
        return x
    }

    /// Rows (``columns``) for every pair i < j: direct segment x_i → x_j and two-piece path
    /// x_i → x̃ → x_j. Barriers are CE(·, label) maxima minus the larger endpoint CE; agreement is
    /// the fraction of the path's sampled points classified as `label`.
    public static func run(_ classifier: any InputClassifier, inputs: [[Float]], label: Int,
                           configuration c: Configuration) throws -> (table: Table, center: [Float]) {
        guard inputs.count >= 2 else { throw ModeLatticeError.usage("input star needs at least 2 inputs (got \(inputs.count))") }
        guard c.points >= 2 else { throw ModeLatticeError.invalid("points", "must be at least 2 (got \(c.points))") }
        let x = try center(classifier, inputs: inputs, label: label, configuration: c)
        let spokes = try inputs.map { try segment(classifier, $0, x, label: label, points: c.points) }
        var table = Table(columns: columns)
        for i in inputs.indices {
            for j in inputs.indices where j > i {
                let direct = try segment(classifier, inputs[i], inputs[j], label: label, points: c.points)
                let a = spokes[i], b = spokes[j]
                let peak = max(a.profile.maxLoss, b.profile.maxLoss)
                let ends = max(a.profile.loss[0], b.profile.loss[0])
                let agreement = (a.agreement + b.agreement).reduce(0, +) / Double(2 * c.points)
                let path = ParameterPath.twoPiece(inputs[i], via: x, inputs[j])
                table.append([.int(i), .int(j), .int(label), .double(ParameterPath<Float>.distance(inputs[i], inputs[j])),
                              .double(direct.profile.barrier), .double(direct.agreement.reduce(0, +) / Double(c.points)),
                              .double(peak - ends), .double(agreement), .double(path.length), .double(path.lengthRatio)])
            }
        }
        return (table, x)
    }
}
