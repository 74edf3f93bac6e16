import Foundation
import NetworkCore
import Support

/// Logits of the neighbour batches of a growing cluster on anchor + h·Z^n: for a cluster site x
/// (index i in cluster order) and moves ±e_j, the logits at x ± h e_j, [moves, K], one shell (a
/// site and its moves) at a time or several shells in one parallel batch.
///
/// When the network starts with a Linear layer z1 = W x + b (an MLP), the first layer is applied
/// algebraically, as ``AffineFront`` does for subspaces:
///     z1(x ± h e_j) = z1(x) ± h · W[:, j],
/// with z1 of every cluster site kept in Double (z1(anchor) = W a + b once; a site's z1 is its
/// parent's plus one column), so a 2n-neighbour shell costs 2n·m additions instead of a
/// [2n, n]·[n, m] product; the rest of the network (the tail) runs batched through BLAS.
/// Otherwise (a CNN, a ResNet) the inputs are formed, a + h·k with k the site's displacement, and
/// the whole network runs batched.
///
/// Each shell's rows go through in fixed chunks of `chunk` rows (rows 0..<chunk, chunk..<2·chunk, …
/// of that shell), the chunks of every shell in a batch spread over `threads` threads; neither the
/// chunking nor the arithmetic depends on the thread count or on how shells are batched, so
/// neither do the logits. Each thread forms its chunk's inputs in its own scratch buffer and runs
/// the network in its own workspace (both reused across calls: a chunk allocates nothing).
public final class NeighbourLogits: @unchecked Sendable {
    public let anchor: [Float]
    public let spacing: Double
    public let threads: Int
    public let chunk: Int
    public let classes: Int

    /// One site's batch: the site (cluster index `parent`, displacement `parentSite`) and its moves.
    public struct Shell: Sendable {
        public var parent: Int
        public var parentSite: LatticeDisplacement
        public var moves: [GrowthMove]
        public init(parent: Int, parentSite: LatticeDisplacement, moves: [GrowthMove]) {
            self.parent = parent
            self.parentSite = parentSite
            self.moves = moves
        }
    }

    /// How the rows are evaluated: the tail after an algebraic first layer, a whole NetworkCore
    /// model, or any classifier through its array API.
    private enum Path {
        case affine(tail: Sequential)
        case model(Sequential)
        case opaque(any InputClassifier)
    }
    private let path: Path
    /// Affine mode: the first width m, h·W^T [n, m] and z1 of each cluster site [sites, m].
    private let width: Int
    private let steps: [Double]
    private var states: [Double] = []
    /// Per-thread contexts (workspace + input scratch of `chunk` rows), lock-protected free list.
    private let lock = NSLockLite()
    private var contexts: [Context] = []

    private final class Context {
        let workspace: Workspace?
        let scratch: UnsafeMutablePointer<Float>
        init(model: Sequential?, rows: Int, rowSize: Int) {
            workspace = model.map { Workspace(model: $0, capacity: rows) }
            scratch = .allocate(capacity: rows * rowSize)
        }
        deinit { scratch.deallocate() }
    }

    public var isAffine: Bool { if case .affine = path { return true } else { return false } }
    private var rowSize: Int { isAffine ? width : anchor.count }

    public init(classifier: any InputClassifier, anchor: [Float], spacing: Double, threads: Int, chunk: Int = 256) {
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
            self.path = .affine(tail: tailModel)
            self.width = m
            self.steps = steps
            self.states = z
        } else {
            self.path = (classifier as? NetworkClassifier).map { .model($0.model) } ?? .opaque(classifier)
            self.width = 0
            self.steps = []
        }
    }

    /// Logits at the anchor [K] (cluster index 0 in affine mode is the anchor's z1).
    public func anchorLogits() throws -> [Float] {
        let shell = Shell(parent: 0, parentSite: LatticeDisplacement(), moves: [])
        return try evaluate([shell], anchorOnly: true) { z, _ in Array(z) }[0][0]
    }

    /// Logits [moves.count, K] at `parentSite` (cluster index `parent`) moved by each move.
    public func logits(parent: Int, parentSite: LatticeDisplacement, moves: [GrowthMove]) throws -> [Float] {
        try evaluate([Shell(parent: parent, parentSite: parentSite, moves: moves)]) { z, _ in Array(z) }[0].flatMap { $0 }
    }

    /// Logits [shells[s].moves.count, K] of every shell, evaluated as one parallel batch.
    public func logits(_ shells: [Shell]) throws -> [[Float]] {
        try evaluate(shells) { z, _ in Array(z) }.map { $0.flatMap { $0 } }
    }

    /// `transform(logits row [K], move index)` for every move of every shell (or, with
    /// `anchorOnly`, for each shell's site itself), evaluated as one parallel batch: result[s][r]
    /// belongs to shells[s].moves[r]. Runs on the worker threads.
    func evaluate<T: Sendable>(_ shells: [Shell], anchorOnly: Bool = false,
                                       _ transform: @escaping @Sendable (UnsafeBufferPointer<Float>, Int) -> T) throws -> [[T]] {
        // Units: (shell, first row) for each chunk of each shell.
        var chunks: [(shell: Int, start: Int)] = []
        for (s, shell) in shells.enumerated() {
            let rows = anchorOnly ? 1 : shell.moves.count
            var start = 0
            while start < rows { chunks.append((s, start)); start += chunk }
        }
        let units = chunks
        let parts = try ParallelMap.map(count: units.count, threads: threads) { [self] u -> [T] in
            let (s, start) = units[u]
            let shell = shells[s]
            let count = anchorOnly ? 1 : min(chunk, shell.moves.count - start)
            return try withContext { ctx in
                let z = try self.rows(shell, start: start, count: count, anchorOnly: anchorOnly, context: ctx)
                return z.withUnsafeBufferPointer { zp in
                    (0..<count).map { r in
                        transform(UnsafeBufferPointer(rebasing: zp[(r * self.classes)..<((r + 1) * self.classes)]), start + r)
                    }
                }
            }
        }
        var out = shells.map { _ in [T]() }
        for (u, part) in parts.enumerated() { out[units[u].shell] += part }
        return out
    }

    private func withContext<R>(_ body: (Context) throws -> R) rethrows -> R {
        let ctx = lock.withLock { contexts.popLast() } ?? makeContext()
        defer { lock.withLock { contexts.append(ctx) } }
        return try body(ctx)
    }

    private func makeContext() -> Context {
        switch path {
        case .affine(let tail): Context(model: tail, rows: chunk, rowSize: width)
        case .model(let model): Context(model: model, rows: chunk, rowSize: anchor.count)
        case .opaque: Context(model: nil, rows: chunk, rowSize: anchor.count)
        }
    }

    /// Logits [count, K] of rows start..<start+count of `shell` (the site itself when `anchorOnly`).
    private func rows(_ shell: Shell, start: Int, count: Int, anchorOnly: Bool, context ctx: Context) throws -> [Float] {
        let out = ctx.scratch
        switch path {
        case .affine:
            let m = width
            states.withUnsafeBufferPointer { st in
                steps.withUnsafeBufferPointer { w in
                    let base = shell.parent * m
                    if anchorOnly {
                        for i in 0..<m { out[i] = Float(st[base + i]) }
                        return
                    }
                    for r in 0..<count {
                        let move = shell.moves[start + r]
                        let col = move.axis * m, o = r * m
                        if move.step > 0 {
                            for i in 0..<m { out[o + i] = Float(st[base + i] + w[col + i]) }
                        } else {
                            for i in 0..<m { out[o + i] = Float(st[base + i] - w[col + i]) }
                        }
                    }
                }
            }
        case .model, .opaque:
            let n = anchor.count
            anchor.withUnsafeBufferPointer { a in
                shell.parentSite.fill(anchor: a, spacing: spacing, into: out)
                if anchorOnly { return }
                for r in 1..<max(1, count) { (out + r * n).update(from: out, count: n) }
                for r in 0..<count {
                    let move = shell.moves[start + r]
                    let k = shell.parentSite.steps(along: move.axis) + move.step
                    out[r * n + move.axis] = Float(Double(a[move.axis]) + spacing * Double(k))
                }
            }
        }
        switch path {
        case .affine(let model), .model(let model):
            let y = model.forward(out, batch: count, workspace: ctx.workspace!)
            return Array(UnsafeBufferPointer(start: y, count: count * classes))
        case .opaque(let classifier):
            return try classifier.logits(Array(UnsafeBufferPointer(start: out, count: count * rowSize)), count: count)
        }
    }

    /// Records the state of a new cluster site, `parent` moved by `move` (affine mode: its z1).
    /// Not to be called while a batch is being evaluated.
    public func adopt(parent: Int, move: GrowthMove) {
        guard isAffine else { return }
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
public struct GrowthMove: Sendable, Equatable {
    public var axis: Int
    public var step: Int
    public init(axis: Int, step: Int) {
        self.axis = axis
        self.step = step
    }
}
