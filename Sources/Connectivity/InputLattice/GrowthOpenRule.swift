import Foundation
import Support

/// Which sites of the full-dimensional lattice anchor + h·Z^n are open, for growth
/// (``AnchorClusterGrowth``). Sites are scored by the target class's cross-entropy computed in
/// Double from the network's Float logits (``TargetScore``), which does not saturate to 0 the way
/// a Float cross-entropy does (it underflows only at a logit margin above ~745).
///
/// - `class`: the network predicts the target at the site (argmax, lowest index on ties);
/// - `loss:τ`: score < τ;
/// - `shell-quantile:q`: τ is the q-quantile of the score over the anchor's first shell of 2n
///   sites — the k = ⌊q·2n + ½⌋ lowest (score, key) pairs of the shell are open, the k-th is
///   (τ, key_τ) — and everywhere a site is open iff (score, key) ≤ (τ, key_τ) lexicographically,
///   so ties at τ are broken by the site key (``SiteKey``), deterministically;
/// - `iid:P`: the network is unused; every site but the anchor is open independently with
///   probability P, decided by a hash of (seed, site key): iid site percolation on Z^n through the
///   same growth code (Leath 1976).
///
/// For `shell-quantile` and `iid` the anchor is the seed of the cluster and open by definition;
/// for `class` and `loss` it is scored like every other site, and a closed anchor has no cluster.
public enum GrowthOpenRule: Sendable, Equatable, CustomStringConvertible {
    case predictedClass
    case loss(Double)
    case shellQuantile(Double)
    case iid(Double)

    /// Parses `class`, `loss:τ` (τ > 0), `shell-quantile:q` or `iid:P` (0 < q, P < 1); a usage
    /// error naming the value otherwise.
    public init(parsing text: String) throws {
        if text == "class" { self = .predictedClass; return }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, let v = Double(parts[1]), v.isFinite {
            switch parts[0] {
            case "loss":
                guard v > 0 else { throw ModeLatticeError.usage("--open loss:τ needs τ > 0 (got \(v))") }
                self = .loss(v); return
            case "shell-quantile":
                guard v > 0 && v < 1 else { throw ModeLatticeError.usage("--open shell-quantile:q needs 0 < q < 1 (got \(v))") }
                self = .shellQuantile(v); return
            case "iid":
                guard v > 0 && v < 1 else { throw ModeLatticeError.usage("--open iid:P needs 0 < P < 1 (got \(v))") }
                self = .iid(v); return
            case "quantile":
                throw ModeLatticeError.usage("--open quantile:q needs a finite lattice; growth on h·Z^n takes shell-quantile:Q, loss:TAU, class or iid:P")
            default: break
            }
        }
        throw ModeLatticeError.usage("unknown open rule '\(text)'; use class, loss:TAU, shell-quantile:Q or iid:P (e.g. shell-quantile:0.001)")
    }

    public var description: String {
        switch self {
        case .predictedClass: return "class"
        case .loss(let t): return "loss:\(t)"
        case .shellQuantile(let q): return "shell-quantile:\(q)"
        case .iid(let p): return "iid:\(p)"
        }
    }

    /// Whether the network is consulted at all (not for `iid`).
    public var usesNetwork: Bool {
        if case .iid = self { return false }
        return true
    }
}
