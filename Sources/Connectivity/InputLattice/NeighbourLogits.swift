import Foundation
import NetworkCore
import Support

/// Logits of the neighbour batches of a growing cluster on anchor + h·Z^n: for a cluster site x
/// (index i in cluster order) and moves ±e_j, the logits at x ± h e_j, [moves, K], in one batch.
///
/// When the network starts with a Linear layer z1 = W x + b (an MLP), the first layer is applied
/// algebraically, as ``AffineFront`` does for subspaces:
///     z1(x ± h e_j) = z1(x) ± h · W[:, j],
/// with z1 of every cluster site kept in Double (z1(anchor) = W a + b once; a site's z1 is its
/// parent's plus one column), so a 2n-neighbour batch costs 2n·m additions instead of a
/// [2n, n]·[n, m] product; the rest of the network (the tail) runs batched through BLAS.
/// Otherwise (a CNN, a ResNet) the inputs are formed, a + h·k with k the site's displacement, and
/// the whole network runs batched. Rows go through in fixed chunks of `chunk` rows spread over
/// `threads` threads; the chunking does not depend on the thread count, so neither do the logits.
final class NeighbourLogits {
    let classifier: any InputClassifier
    let anchor: [Float]
    let spacing: Double
    let threads: Int
    let chunk: Int
    let classes: Int
    /// Affine mode: the tail, the first width m, h·W^T [n, m] and z1 of each cluster site [sites, m].
    private let tail: NetworkClassifier?
    private let width: Int
    private let steps: [Double]
    private var states: [Double] = []

    var isAffine: Bool { tail != nil }

    init(classifier: any InputClassifier, anchor: [Float], spacing: Double, threads: Int, chunk: Int = 256) {
        self.classifier = classifier
        self.anchor = anchor
        self.spacing = spacing
        self.threads = max(1, threads)
        self.chunk = max(1, chunk)
        self.classes = classifier.classCount
        if let net = classifier as? NetworkClassifier, net.model.layers.count >= 2,
           let first = net.model.layers[0] as? Linear, first.inFeatures == anchor.count,
           var tailModel = try? Sequential(spec: net.model.spec + " [1:]", inputShape: first.outputShape,
                                           layers: Array(net.model.layers.dropFirst())) {
            let model = net.model
            tailModel.parameters = Array(model.parameters[model.parameterOffsets[1]...])
            tailModel.buffers = Array(model.buffers[model.bufferOffsets[1]...])
            let n = first.inFeatures, m = first.outFeatures, p0 = model.parameterOffsets[0]
            var steps = [Double](repeating: 0, count: n * m)
            var z = [Double](repeating: 0, count: m)
            for i in 0..<m {
                let row = p0 + i * n
                var s = first.hasBias ? Double(model.parameters[p0 + m * n + i]) : 0
                for j in 0..<n {
                    let w = Double(model.parameters[row + j])
                    s += w * Double(anchor[j])
                    steps[j * m + i] = spacing * w
                }
                z[i] = s
            }
            self.tail = NetworkClassifier(tailModel)
            self.width = m
            self.steps = steps
            self.states = z
        } else {
            self.tail = nil
            self.width = 0
            self.steps = []
        }
    }

    /// Logits at the anchor [K] (cluster index 0 in affine mode is the anchor's z1).
    func anchorLogits() throws -> [Float] {
        if let tail { return try tail.logits(states[0..<width].map(Float.init), count: 1) }
        return try classifier.logits(anchor, count: 1)
    }

    /// Logits [moves.count, K] at `parentSite` (cluster index `parent`) moved by each move.
    func logits(parent: Int, parentSite: LatticeDisplacement, moves: [GrowthMove]) throws -> [Float] {
        let rows = moves.count
        var inputs: [Float]
        let rowSize: Int
        if tail != nil {
            let m = width
            rowSize = m
            inputs = [Float](repeating: 0, count: rows * m)
            states.withUnsafeBufferPointer { st in
                steps.withUnsafeBufferPointer { w in
                    inputs.withUnsafeMutableBufferPointer { out in
                        let base = parent * m
                        for (r, move) in moves.enumerated() {
                            let col = move.axis * m, o = r * m
                            if move.step > 0 {
                                for i in 0..<m { out[o + i] = Float(st[base + i] + w[col + i]) }
                            } else {
                                for i in 0..<m { out[o + i] = Float(st[base + i] - w[col + i]) }
                            }
                        }
                    }
                }
            }
        } else {
            let n = anchor.count
            rowSize = n
            var x = anchor
            for e in parentSite.entries {
                let j = LatticeDisplacement.axis(e)
                x[j] = Float(Double(anchor[j]) + spacing * Double(LatticeDisplacement.steps(e)))
            }
            inputs = [Float](repeating: 0, count: rows * n)
            inputs.withUnsafeMutableBufferPointer { out in
                for (r, move) in moves.enumerated() {
                    let o = r * n
                    for j in 0..<n { out[o + j] = x[j] }
                    let k = parentSite.steps(along: move.axis) + move.step
                    out[o + move.axis] = Float(Double(anchor[move.axis]) + spacing * Double(k))
                }
            }
        }
        let through: any InputClassifier = tail ?? classifier
        let chunk = self.chunk, k = classes
        let parts = (rows + chunk - 1) / chunk
        let frozen = inputs
        let logits = try ParallelMap.map(count: parts, threads: threads) { c -> [Float] in
            let start = c * chunk, count = min(chunk, rows - start)
            return try through.logits(Array(frozen[(start * rowSize)..<((start + count) * rowSize)]), count: count)
        }
        var out = [Float]()
        out.reserveCapacity(rows * k)
        for part in logits { out += part }
        return out
    }

    /// Records the state of a new cluster site, `parent` moved by `move` (affine mode: its z1).
    func adopt(parent: Int, move: GrowthMove) {
        guard tail != nil else { return }
        let m = width, base = parent * m, col = move.axis * m
        let sign = Double(move.step)
        // One exclusive access to `states` per site, not one per element (a class property's
        // element-wise append costs a dynamic exclusivity check each: 25 % of the growth bench).
        let count = states.count
        states.append(contentsOf: repeatElement(0, count: m))
        states.withUnsafeMutableBufferPointer { st in
            steps.withUnsafeBufferPointer { w in
                for i in 0..<m { st[count + i] = st[base + i] + sign * w[col + i] }
            }
        }
    }
}

/// One lattice step ±e_axis.
struct GrowthMove: Sendable {
    var axis: Int
    var step: Int
}
