import Foundation
import Support

/// Which lattice sites count as open (low-loss) for a target class c:
///
/// - `class`: the network predicts c at the site (argmax of the logits, lowest index on ties);
/// - `loss:τ`: the cross-entropy CE(x, c) = logsumexp f(x) − f_c(x) is below τ;
/// - `quantile:q`: the fraction q of the lattice's sites with the lowest CE(x, c) are open
///   (the ⌊q·N + ½⌋ lowest, ties broken by site index), so that a comparison can be made at a
///   chosen open fraction p = q, below or above p_c(d). Only defined on a finite lattice.
public enum OpenRule: Sendable, Equatable, CustomStringConvertible {
    case predictedClass
    case loss(Double)
    case quantile(Double)

    /// Parses `class`, `loss:τ` (τ > 0) or `quantile:q` (0 ≤ q ≤ 1); a usage error otherwise.
    public init(parsing text: String) throws {
        if text == "class" { self = .predictedClass; return }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, let v = Double(parts[1]), v.isFinite {
            switch parts[0] {
            case "loss":
                guard v > 0 else { throw ModeLatticeError.usage("--open loss:τ needs τ > 0 (got \(v))") }
                self = .loss(v); return
            case "quantile":
                guard v >= 0 && v <= 1 else { throw ModeLatticeError.usage("--open quantile:q needs 0 ≤ q ≤ 1 (got \(v))") }
                self = .quantile(v); return
            default: break
            }
        }
        throw ModeLatticeError.usage("unknown open rule '\(text)'; use class, loss:TAU (e.g. loss:0.5) or quantile:Q (e.g. quantile:0.2)")
    }

    public var description: String {
        switch self {
        case .predictedClass: return "class"
        case .loss(let t): return "loss:\(t)"
        case .quantile(let q): return "quantile:\(q)"
        }
    }

    /// Whether one site is open, for rules that decide site by site (`class`, `loss`).
    /// `quantile` needs the whole lattice: see ``mask(_:)``.
    public func isOpen(loss: Float, predicted: Int, target: Int) -> Bool? {
        switch self {
        case .predictedClass: return predicted == target
        case .loss(let t): return Double(loss) < t
        case .quantile: return nil
        }
    }

    /// The open mask [sites] of a whole lattice from its per-site scores.
    public func mask(_ scores: SiteScores) -> [Bool] {
        switch self {
        case .predictedClass:
            return scores.predicted.map { Int($0) == scores.target }
        case .loss(let t):
            return scores.loss.map { Double($0) < t }
        case .quantile(let q):
            let n = scores.loss.count
            let k = min(n, Int((q * Double(n) + 0.5).rounded(.down)))
            var order = Array(0..<n)
            order.sort { scores.loss[$0] != scores.loss[$1] ? scores.loss[$0] < scores.loss[$1] : $0 < $1 }
            var mask = [Bool](repeating: false, count: n)
            for i in order.prefix(k) { mask[i] = true }
            return mask
        }
    }
}

/// The network's verdict at every site of a lattice for one target class: predicted class and
/// CE of the target. Shapes [sites] each (5 bytes a site).
public struct SiteScores: Sendable, Equatable {
    public var target: Int
    public var predicted: [Int16]
    public var loss: [Float]

    public init(target: Int, predicted: [Int16], loss: [Float]) {
        self.target = target
        self.predicted = predicted
        self.loss = loss
    }
}
