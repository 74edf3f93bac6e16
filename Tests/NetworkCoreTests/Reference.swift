import Foundation
@testable import NetworkCore
import Support

/// Slow, obviously-correct Double implementations of every layer's forward pass, written straight
/// from the formulas with naive loops and no shared code with NetworkCore's kernels. Used as the
/// oracle for forward values and, by central finite differences in Double, for gradients.
enum Reference {
    /// y [N, out size] of `layer` for x [N, in size] with the given parameters and buffers.
    static func forward(_ layer: any Layer, _ x: [Double], batch n: Int, parameters p: [Double], buffers b: [Double]) -> [Double] {
        switch layer {
        case let l as Linear:
            var y = [Double](repeating: 0, count: n * l.outFeatures)
            for i in 0..<n {
                for o in 0..<l.outFeatures {
                    var s = l.hasBias ? p[l.inFeatures * l.outFeatures + o] : 0
                    for j in 0..<l.inFeatures { s += p[o * l.inFeatures + j] * x[i * l.inFeatures + j] }
                    y[i * l.outFeatures + o] = s
                }
            }
            return y
        case let l as Conv2d:
            let (c, h, w, o, k) = (l.inChannels, l.height, l.width, l.outChannels, l.kernel.h)
            let oh = (h + 2 * l.padding - k) / l.stride + 1, ow = (w + 2 * l.padding - k) / l.stride + 1
            var y = [Double](repeating: 0, count: n * o * oh * ow)
            for im in 0..<n { for oc in 0..<o { for i in 0..<oh { for j in 0..<ow {
                var s = l.hasBias ? p[o * c * k * k + oc] : 0
                for ic in 0..<c { for u in 0..<k { for v in 0..<k {
                    let yy = i * l.stride - l.padding + u, xx = j * l.stride - l.padding + v
                    if yy >= 0 && yy < h && xx >= 0 && xx < w {
                        s += p[((oc * c + ic) * k + u) * k + v] * x[((im * c + ic) * h + yy) * w + xx]
                    }
                }}}
                y[((im * o + oc) * oh + i) * ow + j] = s
            }}}}
            return y
        case let l as MaxPool2d:
            return pool(x, n: n, c: l.channels, h: l.height, w: l.width, k: l.kernel, s: l.stride, p: l.padding) { values, _ in values.max()! }
        case let l as AvgPool2d:
            return pool(x, n: n, c: l.channels, h: l.height, w: l.width, k: l.kernel, s: l.stride, p: l.padding) { values, divisor in
                values.reduce(0, +) / divisor
            }
        case let l as BatchNorm2d:
            let q = l.height * l.width
            var y = x
            for i in 0..<n { for c in 0..<l.channels { for t in 0..<q {
                let idx = (i * l.channels + c) * q + t
                y[idx] = p[c] * (x[idx] - b[c]) / (b[l.channels + c] + Double(l.eps)).squareRoot() + p[l.channels + c]
            }}}
            return y
        case let l as Activation:
            switch l.kind {
            case .relu: return x.map { max(0, $0) }
            case .tanh: return x.map { Foundation.tanh($0) }
            case .gelu: return x.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) }
            }
        case is Flatten:
            return x
        default:
            fatalError("no reference for \(layer)")
        }
    }

    /// Windows with PyTorch's padding conventions: max over in-image cells; average divided by the
    /// padded window clipped to [−p, H+p).
    static func pool(_ x: [Double], n: Int, c: Int, h: Int, w: Int, k: Int, s: Int, p: Int,
                     _ reduce: ([Double], Double) -> Double) -> [Double] {
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        var y: [Double] = []
        for plane in 0..<(n * c) { for i in 0..<oh { for j in 0..<ow {
            var values: [Double] = []
            let hs = i * s - p, ws = j * s - p
            let divisor = Double((min(hs + k, h + p) - hs) * (min(ws + k, w + p) - ws))
            for yy in hs..<(hs + k) { for xx in ws..<(ws + k) where yy >= 0 && yy < h && xx >= 0 && xx < w {
                values.append(x[(plane * h + yy) * w + xx])
            }}
            y.append(reduce(values, divisor))
        }}}
        return y
    }

    /// The whole model in Double, layer after layer.
    static func forward(_ model: Sequential, _ x: [Double], batch n: Int, parameters: [Double]) -> [Double] {
        var a = x
        for (i, layer) in model.layers.enumerated() {
            let p = Array(parameters[model.parameterOffsets[i]..<model.parameterOffsets[i + 1]])
            let b = model.buffers[model.bufferOffsets[i]..<model.bufferOffsets[i + 1]].map(Double.init)
            a = forward(layer, a, batch: n, parameters: p, buffers: b)
        }
        return a
    }

    /// Σ_n ℓ_n of softmax cross-entropy in Double.
    static func crossEntropySum(_ z: [Double], labels: [Int32], classes k: Int) -> Double {
        var total = 0.0
        for i in 0..<labels.count {
            let row = Array(z[(i * k)..<((i + 1) * k)])
            let m = row.max()!
            total += m + log(row.map { exp($0 - m) }.reduce(0, +)) - row[Int(labels[i])]
        }
        return total
    }
}

/// Deterministic test data from GSL.
func gaussianValues(_ count: Int, seed: UInt64, sigma: Double = 1) -> [Float] {
    let rng = try! RandomGenerator(seed: seed)
    return (0..<count).map { _ in Float(rng.gaussian(sigma: sigma)) }
}


