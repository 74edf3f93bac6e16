#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise nonlinearities (PyTorch `nn.ReLU`, `nn.Tanh`, `nn.GELU`), shape-preserving.
///
///   ReLU  y = max(0, x)                     ∂y/∂x = 1[y > 0]   (0 at x = 0, as PyTorch)
///   Tanh  y = tanh x                        ∂y/∂x = 1 − y²
///   GELU  y = x Φ(x) = ½x(1 + erf(x/√2))    ∂y/∂x = Φ(x) + x φ(x),  φ(x) = e^{−x²/2}/√(2π)
///         (the exact form, PyTorch's default `approximate='none'`; Hendrycks & Gimpel 2016)
public struct Activation: Layer {
    public enum Kind: String, Sendable, CaseIterable {
        case relu, tanh, gelu
    }

    public let kind: Kind
    public let shape: [Int]

    public init(_ kind: Kind, shape: [Int]) {
        self.kind = kind
        self.shape = shape
    }

    public var inputShape: [Int] { shape }
    public var outputShape: [Int] { shape }
    public var parameterSlots: [TensorSlot] { [] }
    public var description: String {
        switch kind {
        case .relu: "ReLU()"
        case .tanh: "Tanh()"
        case .gelu: "GELU(approximate='none')"
        }
    }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        let count = n * inputSize
        switch kind {
        case .relu:
            Elementwise.relu(x, y, count: count)
        case .tanh:
            VectorTanh.apply(x, y, count: count)
        case .gelu:
            let r: Float = 0.70710678118654752
            for i in 0..<count { y[i] = 0.5 * x[i] * (1 + erff(x[i] * r)) }
        }
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        guard let dx else { return }
        let count = n * inputSize
        switch kind {
        case .relu:
            Elementwise.reluBackward(y, dy, dx, count: count)
        case .tanh:
            for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        case .gelu:
            let r: Float = 0.70710678118654752, c: Float = 0.39894228040143268
            for i in 0..<count {
                let v = x[i]
                dx[i] = dy[i] * (0.5 * (1 + erff(v * r)) + v * c * expf(-0.5 * v * v))
            }
        }
    }
}

/// `nn.Flatten()`: [C, H, W] per example to [C·H·W]; memory order is unchanged (a copy).
public struct Flatten: Layer {
    public let inputShape: [Int]
    public init(inputShape: [Int]) { self.inputShape = inputShape }
    public var outputShape: [Int] { [inputShape.reduce(1, *)] }
    public var parameterSlots: [TensorSlot] { [] }
    public var description: String { "Flatten(start_dim=1, end_dim=-1)" }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                        parameters: UnsafePointer<Float>, buffers: UnsafeMutablePointer<Float>,
                        mode: LayerMode, scratch: LayerScratch) {
        y.update(from: x, count: n * inputSize)
    }

    public func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, batch n: Int,
                         parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>?,
                         buffers: UnsafePointer<Float>, mode: LayerMode, scratch: LayerScratch) {
        dx?.update(from: dy, count: n * inputSize)
    }
}
