import NetworkCore

/// The one gradient-check scaffold of the test suites: a model's backward pass against central
/// finite differences of an independent Double reference.
///
/// For a cotangent r, the scalar s(x, θ) = Σ_k r_k · y_k(x, θ) has ∂s/∂x = Jᵀ_x r and
/// ∂s/∂θ = Jᵀ_θ r, exactly what a backward pass seeded with r returns. The reference side uses
///
///     ∂s/∂v_i ≈ (s(v + h e_i) − s(v − h e_i)) / 2h      (error O(h²) plus rounding O(ε/h)),
///
/// with y computed by the test's reference implementation in Double.
public enum GradientCheck {
    /// Central differences of `f` at every coordinate of `v`.
    public static func finiteDifferences(_ v: [Double], h: Double = 1e-5, _ f: ([Double]) -> Double) -> [Double] {
        var w = v
        return v.indices.map { i in
            w[i] = v[i] + h
            let up = f(w)
            w[i] = v[i] - h
            let down = f(w)
            w[i] = v[i]
            return (up - down) / (2 * h)
        }
    }

    /// ‖a − b‖ / max(‖a‖, ‖b‖, 10⁻³⁰): the relative error of a whole vector.
    public static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        var d = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            d += (a[i] - b[i]) * (a[i] - b[i])
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return d.squareRoot() / max(na.squareRoot(), nb.squareRoot(), 1e-30)
    }

    /// What the model computed: outputs y [n, out], and Jᵀr in the input [n, in] and parameters [P].
    public struct Backward {
        public var y: [Double]
        public var inputGradient: [Double]
        public var parameterGradient: [Double]
        /// The model after the pass (a training-mode pass updates BatchNorm running statistics).
        public var model: Sequential
    }

    /// Forward (training or inference mode) then backward seeded with `cotangent` [n, out].
    public static func backward(_ model: Sequential, x: [Float], batch n: Int, cotangent r: [Float],
                                training: Bool = false) -> Backward {
        var run = model
        let ws = Workspace(model: run, capacity: n)
        let y = x.withUnsafeBufferPointer { xp in
            Array(UnsafeBufferPointer(start: training ? run.forwardTraining(xp.baseAddress!, batch: n, workspace: ws)
                                                      : run.forward(xp.baseAddress!, batch: n, workspace: ws), count: r.count))
        }
        r.withUnsafeBufferPointer { run.backward($0.baseAddress!, batch: n, workspace: ws, mode: training ? .training : .inference) }
        return Backward(y: y.map(Double.init),
                        inputGradient: Array(UnsafeBufferPointer(start: ws.inputGradient, count: x.count)).map(Double.init),
                        parameterGradient: ws.parameterGradient.map(Double.init), model: run)
    }

    /// Finite-difference Jᵀr of a Double `reference(x, θ) → y` at (x, θ), in x and in θ.
    public static func referenceGradients(x: [Double], theta: [Double], cotangent r: [Double], h: Double = 1e-5,
                                          _ reference: ([Double], [Double]) -> [Double]) -> (input: [Double], parameters: [Double]) {
        func s(_ xv: [Double], _ t: [Double]) -> Double { zip(reference(xv, t), r).reduce(0) { $0 + $1.0 * $1.1 } }
        return (finiteDifferences(x, h: h) { s($0, theta) }, finiteDifferences(theta, h: h) { s(x, $0) })
    }
}
