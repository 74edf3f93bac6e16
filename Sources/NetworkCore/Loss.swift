#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax cross-entropy on logits, per example, in a numerically stable form.
///
/// For logits z [N, K] and labels y [N]:
///   ℓ_n = log Σ_k e^{z_nk} − z_{n,y_n} = (m_n + log Σ_k e^{z_nk − m_n}) − z_{n,y_n},  m_n = max_k z_nk
///   ∂ℓ_n/∂z_nk = softmax(z_n)_k − 1[k = y_n]
/// Subtracting the row maximum keeps every exponent ≤ 0 (no overflow) and the log-sum ≥ 0.
public enum CrossEntropy {
    /// Fills `losses` [N] (optional) and `gradient` [N, K] (optional) with `scale`·∂ℓ_n/∂z_n
    /// (scale 1 for per-example gradients, 1/N for the gradient of the batch mean). Returns the
    /// sum of the losses (in Double) and the number of examples whose arg-max logit is the label.
    @discardableResult
    public static func evaluate(logits z: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch n: Int, classes k: Int,
                                losses: UnsafeMutablePointer<Float>? = nil, gradient: UnsafeMutablePointer<Float>? = nil,
                                scale: Float = 1) -> (lossSum: Double, correct: Int) {
        var total = 0.0
        var correct = 0
        for i in 0..<n {
            let row = z + i * k
            var m = row[0]
            var argmax = 0
            for j in 1..<max(1, k) where row[j] > m {
                m = row[j]
                argmax = j
            }
            var s: Float = 0
            for j in 0..<k { s += expf(row[j] - m) }
            let logSum = m + logf(s)
            let label = Int(labels[i])
            let loss = logSum - row[label]
            total += Double(loss)
            if argmax == label { correct += 1 }
            losses?[i] = loss
            if let g = gradient {
                let out = g + i * k
                for j in 0..<k { out[j] = scale * expf(row[j] - logSum) }
                out[label] -= scale
            }
        }
        return (total, correct)
    }

    /// Mean cross-entropy and accuracy of logits [N, K] against labels (array convenience).
    public static func mean(logits: [Float], labels: [Int32], classes k: Int) -> (loss: Double, accuracy: Double) {
        let n = labels.count
        guard n > 0 else { return (0, 0) }
        let r = logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in evaluate(logits: z.baseAddress!, labels: y.baseAddress!, batch: n, classes: k) }
        }
        return (r.lossSum / Double(n), Double(r.correct) / Double(n))
    }
}

/// Mean squared error L = (1/(N·K)) Σ (z − t)² (PyTorch `MSELoss(reduction='mean')`), with
/// ∂L/∂z = 2(z − t)/(N·K); per-example losses ℓ_n = (1/K) Σ_k (z_nk − t_nk)².
public enum MeanSquaredError {
    /// Writes per-example losses (optional) and `scale`·∂(Σ_n ℓ_n)/∂z (optional) — scale 1/N for
    /// the gradient of the mean. Returns Σ_n ℓ_n.
    @discardableResult
    public static func evaluate(outputs z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, batch n: Int, features k: Int,
                                losses: UnsafeMutablePointer<Float>? = nil, gradient: UnsafeMutablePointer<Float>? = nil,
                                scale: Float = 1) -> Double {
        var total = 0.0
        let invK = 1 / Float(k)
        for i in 0..<n {
            var s: Float = 0
            for j in 0..<k {
                let d = z[i * k + j] - t[i * k + j]
                s += d * d
                gradient?[i * k + j] = scale * 2 * d * invK
            }
            losses?[i] = s * invK
            total += Double(s * invK)
        }
        return total
    }
}
