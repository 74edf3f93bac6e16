import NetworkCore
import Support

/// The empirical risk R(θ) = (1/B) Σ_{n∈batch} CE(f_θ(x_n), y_n) of a ``Sequential`` classifier on
/// a minibatch, with ∇R by NetworkCore's backward pass — the risk the star center descends.
///
/// Step s's minibatch is B indices drawn uniformly with replacement from a GSL generator seeded
/// with `SeedSequence.derive(seed, stream: "star-batch", index: s)`, so all t-samples of a step
/// share one minibatch and the batch never depends on threads or on earlier steps.
/// Holds a workspace: one instance per thread.
public final class StarNetworkRisk {
    public let data: Dataset
    public let batchSize: Int
    public let seed: UInt64
    public let generator: String?
    private var model: Sequential
    private let workspace: Workspace
    private var xb: [Float]      // [B, D]
    private var yb: [Int32]      // [B]
    private var dz: [Float]      // [B, K]
    private var preparedStep = -1

    public init(template: Sequential, data: Dataset, batchSize: Int = 128, seed: UInt64, generator: String? = nil) throws {
        guard data.exampleSize == template.inputSize, data.classes <= template.outputSize, data.count > 0 else {
            throw ModeLatticeError.data("dataset '\(data.name)' (\(data.shape), \(data.classes) classes) does not fit model '\(template.spec)'")
        }
        guard batchSize >= 1 else { throw ModeLatticeError.usage("batch size must be ≥ 1 (got \(batchSize))") }
        self.data = data
        self.batchSize = batchSize
        self.seed = seed
        self.generator = generator
        model = template
        workspace = Workspace(model: template, capacity: batchSize)
        xb = [Float](repeating: 0, count: batchSize * template.inputSize)
        yb = [Int32](repeating: 0, count: batchSize)
        dz = [Float](repeating: 0, count: batchSize * template.outputSize)
    }

    private func prepare(_ step: Int) throws {
        guard step != preparedStep else { return }
        let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "star-batch", index: step))
        let d = data.exampleSize
        data.images.withUnsafeBufferPointer { src in
            xb.withUnsafeMutableBufferPointer { dst in
                for j in 0..<batchSize {
                    let i = rng.uniformInt(data.count)
                    (dst.baseAddress! + j * d).update(from: src.baseAddress! + i * d, count: d)
                    yb[j] = data.labels[i]
                }
            }
        }
        preparedStep = step
    }

    /// R(θ) and ∇R(θ) [P] on step `step`'s minibatch.
    public func callAsFunction(_ theta: [Float], _ step: Int) throws -> (loss: Double, gradient: [Float]) {
        try prepare(step)
        model.parameters = theta
        let lossSum = model.crossEntropyGradient(xb, labels: yb, batch: batchSize, workspace: workspace,
                                                 logitGradient: &dz, mode: .inference).lossSum
        return (lossSum / Double(batchSize), workspace.parameterGradient)
    }
}
