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

    /// Parses `class`, `loss:τ` (τ > 0), `shell-quantile:q` or `iid:P` (0 < q, P < 1) with
    /// ``OpenRuleSpelling``; a usage error about the field `open` otherwise.
    public init(parsing text: String) throws {
        switch try OpenRuleSpelling.parse(text, takes: ["class", "loss", "shell-quantile", "iid"],
                                          context: "growth on h·Z^n takes class, loss:TAU, shell-quantile:Q or iid:P (quantile:Q needs a finite lattice)") {
        case ("loss", let v?): self = .loss(v)
        case ("shell-quantile", let v?): self = .shellQuantile(v)
        case ("iid", let v?): self = .iid(v)
        default: self = .predictedClass
        }
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
