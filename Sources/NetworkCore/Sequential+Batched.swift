/// Whole-array conveniences over ``Sequential/forward(_:batch:workspace:)`` and
/// ``Sequential/backward(_:batch:workspace:inputGradient:parameterGradient:accumulate:mode:)``,
/// processing any number of examples in chunks with bounded memory (one workspace of `chunk`).
///
/// x is always [N, input size] (C order), labels [N].
extension Sequential {
    /// Logits [N, output size] of N inputs.
    public func outputs(_ x: [Float], count n: Int, chunk: Int = 1024, workspace: Workspace? = nil) -> [Float] {
        precondition(x.count == n * inputSize, "input holds \(x.count) values, not \(n) × \(inputSize)")
        let ws = workspace ?? Workspace(model: self, capacity: min(max(n, 1), chunk))
        let step = ws.capacity, k = outputSize
        var out = [Float](repeating: 0, count: n * k)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                forEachChunk(n, size: step) { start, b in
                    let y = forward(xp.baseAddress! + start * inputSize, batch: b, workspace: ws)
                    (op.baseAddress! + start * k).update(from: y, count: b * k)
                }
            }
        }
        return out
    }

    /// Per-example cross-entropy ℓ_n [N] and, when asked, its gradient with respect to the
    /// example's own input ∂ℓ_n/∂x_n [N, input size] (no averaging over the batch).
    public func crossEntropy(_ x: [Float], labels: [Int32], inputGradient wantGradient: Bool = true,
                             chunk: Int = 512, workspace: Workspace? = nil) -> (losses: [Float], gradient: [Float]) {
        let n = labels.count
        precondition(x.count == n * inputSize, "input holds \(x.count) values, not \(n) × \(inputSize)")
        let ws = workspace ?? Workspace(model: self, capacity: min(max(n, 1), chunk))
        let step = ws.capacity, k = outputSize, d = inputSize
        var losses = [Float](repeating: 0, count: n)
        var gradient = [Float](repeating: 0, count: wantGradient ? n * d : 0)
        var dz = [Float](repeating: 0, count: step * k)
        x.withUnsafeBufferPointer { xp in
            labels.withUnsafeBufferPointer { yp in
                losses.withUnsafeMutableBufferPointer { lp in
                    gradient.withUnsafeMutableBufferPointer { gp in
                        dz.withUnsafeMutableBufferPointer { dzp in
                            forEachChunk(n, size: step) { start, b in
                                let z = forward(xp.baseAddress! + start * d, batch: b, workspace: ws)
                                CrossEntropy.evaluate(logits: z, labels: yp.baseAddress! + start, batch: b, classes: k,
                                                      losses: lp.baseAddress! + start,
                                                      gradient: wantGradient ? dzp.baseAddress! : nil, scale: 1)
                                if wantGradient {
                                    backward(dzp.baseAddress!, batch: b, workspace: ws, inputGradient: true, parameterGradient: false)
                                    (gp.baseAddress! + start * d).update(from: ws.inputGradient, count: b * d)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (losses, gradient)
    }

    /// Mean cross-entropy and accuracy over a labelled set (Double accumulation).
    public func evaluate(_ x: [Float], labels: [Int32], chunk: Int = 1024, workspace: Workspace? = nil) -> (loss: Double, accuracy: Double) {
        let n = labels.count
        guard n > 0 else { return (0, 0) }
        precondition(x.count == n * inputSize, "input holds \(x.count) values, not \(n) × \(inputSize)")
        let ws = workspace ?? Workspace(model: self, capacity: min(n, chunk))
        let step = ws.capacity, k = outputSize
        var total = 0.0, correct = 0
        x.withUnsafeBufferPointer { xp in
            labels.withUnsafeBufferPointer { yp in
                forEachChunk(n, size: step) { start, b in
                    let z = forward(xp.baseAddress! + start * inputSize, batch: b, workspace: ws)
                    let r = CrossEntropy.evaluate(logits: z, labels: yp.baseAddress! + start, batch: b, classes: k)
                    total += r.lossSum
                    correct += r.correct
                }
            }
        }
        return (total / Double(n), Double(correct) / Double(n))
    }

    /// Mean cross-entropy over the examples and its gradient with respect to θ, ∂L/∂θ [P]
    /// (L = (1/N) Σ_n ℓ_n), accumulated over chunks.
    public func crossEntropyParameterGradient(_ x: [Float], labels: [Int32], chunk: Int = 512,
                                              workspace: Workspace? = nil) -> (loss: Double, gradient: [Float]) {
        let n = labels.count
        precondition(n > 0 && x.count == n * inputSize, "input holds \(x.count) values, not \(n) × \(inputSize)")
        let ws = workspace ?? Workspace(model: self, capacity: min(n, chunk))
        let step = ws.capacity, k = outputSize
        var dz = [Float](repeating: 0, count: step * k)
        var total = 0.0
        x.withUnsafeBufferPointer { xp in
            labels.withUnsafeBufferPointer { yp in
                dz.withUnsafeMutableBufferPointer { dzp in
                    forEachChunk(n, size: step) { start, b in
                        let z = forward(xp.baseAddress! + start * inputSize, batch: b, workspace: ws)
                        total += CrossEntropy.evaluate(logits: z, labels: yp.baseAddress! + start, batch: b, classes: k,
                                                       gradient: dzp.baseAddress!, scale: 1 / Float(n)).lossSum
                        backward(dzp.baseAddress!, batch: b, workspace: ws, inputGradient: false, parameterGradient: true,
                                 accumulate: start > 0)
                    }
                }
            }
        }
        return (total / Double(n), ws.parameterGradient)
    }
}

extension Sequential {
    /// Outputs for a tensor of inputs [N, …] (any shape ``batchCount(forArrayShape:)`` accepts):
    /// a tensor [N, output shape…].
    public func outputs(_ x: Tensor, chunk: Int = 1024) throws -> Tensor {
        let n = try batchCount(forArrayShape: x.shape)
        return try Tensor(shape: [n] + outputShape, storage: outputs(x.storage, count: n, chunk: chunk))
    }
}

/// Calls `body(start, count)` for consecutive chunks of at most `size` examples covering 0..<n.
@inline(__always)
private func forEachChunk(_ n: Int, size: Int, _ body: (_ start: Int, _ count: Int) -> Void) {
    var start = 0
    while start < n {
        let count = min(size, n - start)
        body(start, count)
        start += count
    }
}
