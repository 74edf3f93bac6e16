/// Forward and backward passes of a ``Sequential`` over a batch, in a caller's ``Workspace``.
///
/// Backward is reverse-mode differentiation through the chain: starting from dy_L = ∂L/∂output,
/// layer i maps dy_{i+1} to dy_i = ∂L/∂(input of i) and adds its ∂L/∂θ_i. When the input gradient
/// is not wanted the pass stops at the first layer that has parameters (nothing before it needs
/// a gradient), which saves the largest matrix product of an MLP.
extension Sequential {
    /// Runs x [batch, input size] through the network; returns the output [batch, output size]
    /// (inside `workspace`, valid until its next use). `batch` ≤ `workspace.capacity`.
    @discardableResult
    public func forward(_ x: UnsafePointer<Float>, batch: Int, workspace ws: Workspace) -> UnsafeMutablePointer<Float> {
        buffers.withUnsafeBufferPointer { b in
            let bp = UnsafeMutablePointer(mutating: b.baseAddress ?? UnsafePointer(ws.dummy))
            return run(x, batch: batch, workspace: ws, buffers: bp, mode: .inference)
        }
    }

    /// The training-mode forward pass (PyTorch `model.train()`): layers may update their buffers
    /// (BatchNorm running statistics once training mode exists). Same as ``forward(_:batch:workspace:)``
    /// for every layer kind implemented now.
    @discardableResult
    public mutating func forwardTraining(_ x: UnsafePointer<Float>, batch: Int, workspace ws: Workspace) -> UnsafeMutablePointer<Float> {
        let model = self
        var b = buffers
        let out = b.withUnsafeMutableBufferPointer { bb in
            model.run(x, batch: batch, workspace: ws, buffers: bb.baseAddress ?? ws.dummy, mode: .training)
        }
        buffers = b
        return out
    }

    func run(_ x: UnsafePointer<Float>, batch n: Int, workspace ws: Workspace,
             buffers: UnsafeMutablePointer<Float>, mode: LayerMode) -> UnsafeMutablePointer<Float> {
        precondition(n <= ws.capacity, "batch \(n) exceeds workspace capacity \(ws.capacity)")
        ws.activations[0].update(from: x, count: n * inputSize)
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress ?? UnsafePointer(ws.dummy)
            for (i, layer) in layers.enumerated() {
                layer.forward(ws.activations[i], ws.activations[i + 1], batch: n,
                              parameters: base + parameterOffsets[i], buffers: buffers + bufferOffsets[i],
                              mode: mode, scratch: ws.scratch[i])
            }
        }
        return ws.activations[layers.count]
    }

    /// One gradient evaluation of the mean softmax cross-entropy ℓ̄ = (1/N) Σ_n ℓ_n over a labelled
    /// batch (``CrossEntropy``): forward in `mode` (training mode may update buffers such as
    /// BatchNorm running statistics), then backward of ℓ̄ into `ws.parameterGradient` [P], without
    /// the input gradient. The shared step of training, of evolution runs and of star-center risks.
    /// - Parameters:
    ///   - x: [≥ batch, input size]; labels: [≥ batch].
    ///   - logitGradient: the caller's scratch, [≥ batch, output size].
    /// - Returns: Σ_n ℓ_n (Double) and the number of examples whose arg-max logit is the label.
    @discardableResult
    public mutating func crossEntropyGradient(_ x: [Float], labels: [Int32], batch n: Int, workspace ws: Workspace,
                                              logitGradient: inout [Float], mode: LayerMode = .training) -> (lossSum: Double, correct: Int) {
        precondition(x.count >= n * inputSize && labels.count >= n && logitGradient.count >= n * outputSize,
                     "batch \(n) exceeds the buffers given")
        let k = outputSize
        return x.withUnsafeBufferPointer { xp in
            labels.withUnsafeBufferPointer { yp in
                logitGradient.withUnsafeMutableBufferPointer { gp in
                    let z = mode == .training ? forwardTraining(xp.baseAddress!, batch: n, workspace: ws)
                                              : forward(xp.baseAddress!, batch: n, workspace: ws)
                    let r = CrossEntropy.evaluate(logits: z, labels: yp.baseAddress!, batch: n, classes: k,
                                                  gradient: gp.baseAddress!, scale: 1 / Float(n))
                    backward(gp.baseAddress!, batch: n, workspace: ws, inputGradient: false, mode: mode)
                    return r
                }
            }
        }
    }

    /// Backpropagates dy = ∂L/∂output [batch, output size] through the last forward pass in `ws`.
    /// - Parameters:
    ///   - inputGradient: compute ∂L/∂x into `ws.inputGradient` [batch, input size].
    ///   - parameterGradient: compute ∂L/∂θ into `ws.parameterGradient` [P].
    ///   - accumulate: add to `ws.parameterGradient` instead of overwriting it.
    public func backward(_ dy: UnsafePointer<Float>, batch n: Int, workspace ws: Workspace,
                         inputGradient: Bool = true, parameterGradient: Bool = true, accumulate: Bool = false,
                         mode: LayerMode = .inference) {
        if parameterGradient && !accumulate {
            ws.parameterGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        // The earliest layer whose backward must run.
        var stop = 0
        if !inputGradient {
            stop = layers.indices.first(where: { parameterOffsets[$0 + 1] > parameterOffsets[$0] }) ?? layers.count
            if !parameterGradient { stop = layers.count }
        }
        let outSize = outputSize
        ws.gradA.update(from: dy, count: n * outSize)
        var current = ws.gradA, other = ws.gradB
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress ?? UnsafePointer(ws.dummy)
            buffers.withUnsafeBufferPointer { b in
                let bb = b.baseAddress ?? UnsafePointer(ws.dummy)
                ws.parameterGradient.withUnsafeMutableBufferPointer { g in
                    let gb = g.baseAddress ?? ws.dummy
                    var i = layers.count - 1
                    while i >= stop {
                        let layer = layers[i]
                        let needDx = inputGradient || i > stop
                        // (parameter counts from the offsets: `layer.parameterCount` builds the slot list)
                        let hasParameters = parameterOffsets[i + 1] > parameterOffsets[i]
                        let dp: UnsafeMutablePointer<Float>? = (parameterGradient && hasParameters) ? gb + parameterOffsets[i] : nil
                        layer.backward(ws.activations[i], ws.activations[i + 1], current, needDx ? other : nil, batch: n,
                                       parameters: base + parameterOffsets[i], parameterGradient: dp,
                                       buffers: bb + bufferOffsets[i], mode: mode, scratch: ws.scratch[i])
                        swap(&current, &other)
                        i -= 1
                    }
                }
            }
        }
        if inputGradient { ws.setInputGradient(current) }
    }
}
