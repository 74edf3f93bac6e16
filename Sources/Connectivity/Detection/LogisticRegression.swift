import Foundation
import Support

/// L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
/// squares), the detector that maps a feature vector (loss-curve features plus logits, as in the
/// input-space paper's detector) to P(adversarial).
///
/// Features are standardised with the training set's mean and standard deviation. Newton step:
/// (XᵀWX + λI) Δ = Xᵀ(y − π) − λβ with W = diag(π(1−π)), solved by Cholesky (the matrix is
/// positive definite for λ > 0); the intercept is not penalised. Converges in a few dozen steps.
public struct LogisticRegression: Sendable {
    public private(set) var weights: [Double] = []   // [features + 1], last entry the intercept
    public private(set) var mean: [Double] = []
    public private(set) var scale: [Double] = []
    public let lambda: Double

    public init(lambda: Double = 1e-2) { self.lambda = lambda }

    /// Fits on rows `x` (each of the same length) with labels `y` in {0, 1}.
    public mutating func fit(_ x: [[Double]], _ y: [Bool], iterations: Int = 50) throws {
        guard let f = x.first?.count, x.count == y.count, x.count >= 2 else {
            throw ModeLatticeError.data("logistic regression needs at least two labelled rows")
        }
        guard x.allSatisfy({ $0.count == f }) else { throw ModeLatticeError.data("feature rows differ in length") }
        let n = Double(x.count)
        mean = (0..<f).map { j in x.reduce(0) { $0 + $1[j] } / n }
        scale = (0..<f).map { j in
            let v = x.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / n
            return v > 1e-24 ? v.squareRoot() : 1
        }
        let z = x.map(standardise)                    // [n][f+1] with a trailing 1
        let p = f + 1
        var beta = [Double](repeating: 0, count: p)
        for _ in 0..<iterations {
            var h = [Double](repeating: 0, count: p * p)
            var g = [Double](repeating: 0, count: p)
            for (row, label) in zip(z, y) {
                let pi = sigmoid(dot(row, beta))
                let w = max(pi * (1 - pi), 1e-12)
                let r = (label ? 1 : 0) - pi
                for a in 0..<p {
                    g[a] += row[a] * r
                    for b in 0...a { h[a * p + b] += w * row[a] * row[b] }
                }
            }
            for a in 0..<p {
                for b in 0..<a { h[b * p + a] = h[a * p + b] }
                if a < f { h[a * p + a] += lambda; g[a] -= lambda * beta[a] } else { h[a * p + a] += 1e-9 }
            }
            let step = try Self.choleskySolve(h, g, p)
            for a in 0..<p { beta[a] += step[a] }
            if step.map(abs).max() ?? 0 < 1e-10 { break }
        }
        weights = beta
    }

    /// P(label = 1 | features).
    public func probability(_ features: [Double]) -> Double { sigmoid(dot(standardise(features), weights)) }

    private func standardise(_ v: [Double]) -> [Double] {
        zip(v, zip(mean, scale)).map { ($0 - $1.0) / $1.1 } + [1]
    }

    private func sigmoid(_ t: Double) -> Double { t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t)) }
    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Solves A x = b for symmetric positive-definite A (row-major p×p).
    static func choleskySolve(_ a: [Double], _ b: [Double], _ p: Int) throws -> [Double] {
        var l = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0...i {
                var s = a[i * p + j]
                for k in 0..<j { s -= l[i * p + k] * l[j * p + k] }
                if i == j {
                    guard s > 0 else { throw ModeLatticeError.software("logistic regression: Hessian not positive definite") }
                    l[i * p + i] = s.squareRoot()
                } else {
                    l[i * p + j] = s / l[j * p + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: p)
        for i in 0..<p {
            var s = b[i]
            for k in 0..<i { s -= l[i * p + k] * y[k] }
            y[i] = s / l[i * p + i]
        }
        var x = [Double](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<p { s -= l[k * p + i] * x[k] }
            x[i] = s / l[i * p + i]
        }
        return x
    }
}
