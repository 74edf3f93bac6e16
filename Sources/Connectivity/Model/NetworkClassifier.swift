import NetworkCore
import Support

/// A NetworkCore ``Sequential`` (trained, loaded from safetensors — ours or a PyTorch export — or
/// freshly initialized) seen as an ``InputClassifier``: the frozen network f, with
/// CE(x, c) = logsumexp(f(x)) − f(x)_c and ∂CE/∂x by NetworkCore's backward pass, per example.
///
/// NetworkCore's ``Workspace`` (activation memory) is not thread-safe and costs a P-sized buffer to
/// create, so workspaces are pooled: a call takes one of its capacity class (1 for single-input
/// optimization steps, 256 for path batches) and returns it, which keeps the per-step cost of a
/// 1024-step bypass at one forward and one backward pass.
public struct NetworkClassifier: InputClassifier {
    public let model: Sequential
    private let pool: WorkspacePool

    public init(_ model: Sequential) {
        self.model = model
        pool = WorkspacePool(model: model)
    }

    public var inputShape: [Int] { model.inputShape }
    public var classCount: Int { model.outputSize }

    public func logits(_ inputs: [Float], count: Int) throws -> [Float] {
        try checkShape(inputs, count)
        return pool.with(count: count) { model.outputs(inputs, count: count, chunk: $0.capacity, workspace: $0) }
    }

    public func crossEntropyWithInputGradient(_ inputs: [Float], targets: [Int]) throws -> (losses: [Float], gradients: [Float]) {
        try checkShape(inputs, targets.count)
        guard targets.allSatisfy({ $0 >= 0 && $0 < classCount }) else {
            throw ModeLatticeError.usage("target class outside the model's \(classCount) outputs")
        }
        let labels = targets.map { Int32($0) }
        let r = pool.with(count: targets.count) {
            model.crossEntropy(inputs, labels: labels, inputGradient: true, chunk: $0.capacity, workspace: $0)
        }
        return (r.losses, r.gradient)
    }

    private func checkShape(_ inputs: [Float], _ count: Int) throws {
        guard inputs.count == count * inputSize else {
            throw ModeLatticeError.data("\(inputs.count) input values are not \(count) inputs of \(inputShape)")
        }
    }
}

/// A lock-protected free list of NetworkCore workspaces in two capacity classes.
final class WorkspacePool: @unchecked Sendable {
    static let batchCapacity = 256
    private let model: Sequential
    private let lock = NSLockLite()
    private var single: [Workspace] = []
    private var batched: [Workspace] = []

    init(model: Sequential) { self.model = model }

    func with<R>(count: Int, _ body: (Workspace) throws -> R) rethrows -> R {
        let big = count > 1
        let ws: Workspace = lock.withLock {
            if big { return batched.popLast() } else { return single.popLast() }
        } ?? Workspace(model: model, capacity: big ? Self.batchCapacity : 1)
        defer { lock.withLock { if big { batched.append(ws) } else { single.append(ws) } } }
        return try body(ws)
    }
}
