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

    /// Parses `class`, `loss:τ` (τ > 0) or `quantile:q` (0 ≤ q ≤ 1) with ``OpenRuleSpelling``; a
    /// usage error about the field `open` otherwise.
    public init(parsing text: String) throws {
        switch try OpenRuleSpelling.parse(text, takes: ["class", "loss", "quantile"],
                                          context: "a finite lattice takes class, loss:TAU or quantile:Q") {
        case ("loss", let v?): self = .loss(v)
        case ("quantile", let v?): self = .quantile(v)
        default: self = .predictedClass
        }
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

/// The one parser of open-rule spellings, shared by ``OpenRule`` (finite lattices) and
/// ``GrowthOpenRule`` (growth on anchor + h·Z^n): `class`, or `NAME:VALUE` with VALUE finite and in
/// the name's range — loss:τ (τ > 0), quantile:q (0 ≤ q ≤ 1), shell-quantile:q (0 < q < 1),
/// iid:P (0 < P < 1). Errors describe the value under the field `open`; the CLI names the flag.
public enum OpenRuleSpelling {
    /// Every name with its value's range, as the errors state it.
    static let ranges: [String: (ok: @Sendable (Double) -> Bool, range: String)] = [
        "loss": ({ $0 > 0 }, "loss:τ needs τ > 0"),
        "quantile": ({ $0 >= 0 && $0 <= 1 }, "quantile:q needs 0 ≤ q ≤ 1"),
        "shell-quantile": ({ $0 > 0 && $0 < 1 }, "shell-quantile:q needs 0 < q < 1"),
        "iid": ({ $0 > 0 && $0 < 1 }, "iid:P needs 0 < P < 1"),
    ]

    /// (name, value) of `text` when its name is one of `takes`; `context` says what the caller takes
    /// when the name is known but belongs elsewhere.
    public static func parse(_ text: String, takes: Set<String>, context: String) throws -> (String, Double?) {
        if text == "class" { return ("class", nil) }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let rule = ranges[parts[0]], let v = Double(parts[1]), v.isFinite else {
            throw ModeLatticeError.invalid("open", "'\(text)' is not an open rule; \(context)")
        }
        guard takes.contains(parts[0]) else {
            throw ModeLatticeError.invalid("open", "\(parts[0]):\(parts[1]) does not apply here: \(context)")
        }
        guard rule.ok(v) else { throw ModeLatticeError.invalid("open", "\(rule.range) (got \(v))") }
        return (parts[0], v)
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
