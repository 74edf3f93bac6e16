import Foundation
import NetworkCore
import Support

/// Lattice scoring through a network whose first module is Linear, without forming the inputs.
///
/// The first layer is affine, z = W x + b, so on a subspace lattice x(k) = a + Σ_a c_a (h u_a)
///     z(k) = (W a + b) + Σ_a c_a · (W h u_a),
/// i.e. the first-layer pre-activations of every site are the base vector plus an integer
/// combination of d precomputed columns: d·m operations a site instead of n·m (n = 784, m = the
/// first width; the first layer is 60–75% of an MLP's work). The base and columns are computed
/// once in Double; the rest of the network (``tail``) runs on z by its ordinary batched forward
/// pass. Results equal the full forward pass up to Float rounding in the first layer (relative
/// ~1e-6), which can flip a prediction only at an exact logit tie.
struct AffineFront: Sendable {
    /// W a + b, [m].
    let base: [Float]
    /// W (h u_a), [d, m].
    let columns: [Float]
    let width: Int
    /// The network after its first module.
    let tail: Sequential

    /// nil when the classifier is not a NetworkCore MLP with a leading Linear module on flat inputs.
    init?(classifier: any InputClassifier, lattice: SubspaceLattice) {
        guard let net = classifier as? NetworkClassifier else { return nil }
        let model = net.model
        guard model.layers.count >= 2, let first = model.layers[0] as? Linear, first.inFeatures == lattice.inputSize else { return nil }
        let n = first.inFeatures, m = first.outFeatures, d = lattice.dimension
        let p0 = model.parameterOffsets[0]
        let weight = model.parameters[p0..<(p0 + m * n)]          // [m, n]
        let bias: ArraySlice<Float>? = first.hasBias ? model.parameters[(p0 + m * n)..<(p0 + m * n + m)] : nil
        var base = [Float](repeating: 0, count: m)
        var columns = [Float](repeating: 0, count: d * m)
        for i in 0..<m {
            let row = p0 + i * n
            var s = bias.map { Double($0[$0.startIndex + i]) } ?? 0
            for j in 0..<n { s += Double(weight[row + j]) * Double(lattice.anchor[j]) }
            base[i] = Float(s)
            for a in 0..<d {
                var t = 0.0
                for j in 0..<n { t += Double(weight[row + j]) * lattice.directions[a * n + j] }
                columns[a * m + i] = Float(t * lattice.spacing)
            }
        }
        guard var tail = try? Sequential(spec: model.spec + " [1:]", inputShape: first.outputShape,
                                         layers: Array(model.layers.dropFirst())) else { return nil }
        tail.parameters = Array(model.parameters[model.parameterOffsets[1]...])
        tail.buffers = Array(model.buffers[model.bufferOffsets[1]...])
        self.base = base
        self.columns = columns
        self.width = m
        self.tail = tail
    }

    /// Writes z(site) into `out` [m].
    func fill(site: Int, lattice: SubspaceLattice, into out: UnsafeMutableBufferPointer<Float>) {
        let m = width
        for i in 0..<m { out[i] = base[i] }
        var r = site
        for a in stride(from: lattice.dimension - 1, through: 0, by: -1) {
            let c = Float(r % lattice.side - lattice.side / 2)
            r /= lattice.side
            if c == 0 { continue }
            columns.withUnsafeBufferPointer { u in
                for i in 0..<m { out[i] += c * u[a * m + i] }
            }
        }
    }

    /// Scores of every site of `lattice`, batch by batch (the same batching and reduction as
    /// ``SiteEvaluator``).
    func scores(lattice: SubspaceLattice, evaluator: SiteEvaluator, target: Int) throws -> SiteScores {
        let tail = self.tail, front = self
        let tailClassifier = NetworkClassifier(tail)
        let through = SiteEvaluator(classifier: tailClassifier, batch: evaluator.batch, threads: evaluator.threads)
        return try through.evaluate(count: lattice.siteCount, target: target) { site, buffer in
            front.fill(site: site, lattice: lattice, into: buffer)
        }
    }
}
