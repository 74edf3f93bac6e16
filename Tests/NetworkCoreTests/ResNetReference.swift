import Foundation
@testable import NetworkCore

/// Double-precision oracle for residual blocks and batch norm in both modes, written from the
/// formulas (convolutions through the independent ``Reference`` loops).
enum ResNetReference {
    /// BatchNorm2d over x [N, C, H, W]: training mode uses the batch mean and biased variance.
    static func batchNorm(_ x: [Double], n: Int, c: Int, q: Int, gamma: [Double], beta: [Double],
                          runningMean: [Double], runningVar: [Double], eps: Double, training: Bool) -> [Double] {
        var y = x
        for ch in 0..<c {
            var mean = runningMean[ch], variance = runningVar[ch]
            if training {
                var values: [Double] = []
                for i in 0..<n { for t in 0..<q { values.append(x[(i * c + ch) * q + t]) } }
                mean = values.reduce(0, +) / Double(values.count)
                variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            }
            for i in 0..<n { for t in 0..<q {
                let k = (i * c + ch) * q + t
                y[k] = gamma[ch] * (x[k] - mean) / (variance + eps).squareRoot() + beta[ch]
            }}
        }
        return y
    }

    /// BasicBlock forward from its flat parameters θ and buffers (the layout of its slots).
    static func block(_ b: BasicBlock, _ x: [Double], n: Int, theta: [Double], buffers: [Double], training: Bool) -> [Double] {
        let o = b.outChannels, q = b.outputShape[1] * b.outputShape[2]
        var p = 0, s = 0
        func take(_ k: Int) -> [Double] { defer { p += k }; return Array(theta[p..<(p + k)]) }
        func stats() -> ([Double], [Double]) { defer { s += 2 * o + 1 }; return (Array(buffers[s..<(s + o)]), Array(buffers[(s + o)..<(s + 2 * o)])) }
        func conv(_ l: Conv2d, _ input: [Double], _ w: [Double]) -> [Double] {
            Reference.forward(l, input, batch: n, parameters: w, buffers: [])
        }
        func bn(_ input: [Double]) -> [Double] {
            let g = take(o), be = take(o), (m, v) = stats()
            return batchNorm(input, n: n, c: o, q: q, gamma: g, beta: be, runningMean: m, runningVar: v, eps: 1e-5, training: training)
        }
        let c1 = conv(b.conv1, x, take(b.conv1.parameterCount))
        let h1 = bn(c1).map { max(0, $0) }
        let c2 = conv(b.conv2, h1, take(b.conv2.parameterCount))
        let branch = bn(c2)
        var shortcut = x
        if let dc = b.downConv {
            shortcut = bn(conv(dc, x, take(dc.parameterCount)))
        }
        return zip(branch, shortcut).map { max(0, $0 + $1) }
    }
}
