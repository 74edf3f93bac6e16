import Support

/// The input-space mode-connectivity protocols, by name: every setting of the bypass, the targeted
/// attack, the barrier sampling and the untrained-network experiment that one protocol fixes.
///
/// - `modelattice` (the default): our protocol. The bypass projects the Adam step as well as the
///   gradient (B′ − B ⟂ C − A exactly), stops early once the bent segment's gap is small, and keeps
///   the best point seen; the targeted attack runs up to 1024 steps; every pair is kept; barriers
///   are sampled at 250 points per segment.
/// - `vrabel2024`: the published settings of Vrabel et al., "Input space mode connectivity in deep
///   neural networks" (ICLR 2025), §3.2, §4.1–4.3:
///   - bypass: Adam lr 0.005 for a fixed 1024 iterations on
///         CE(x) + 0.1·mean((x − B)²) + 1e-8·TV(x − B),
///     the gradient projected orthogonal to C − A before each Adam step, B′ = the last iterate;
///   - targeted attack: Adam lr 0.005, ≤ 512 iterations, stop once CE < Loss1 (the real image's
///     CE), same penalties; 7 pairs per class, keeping the 5 with the smallest |Loss1 − Loss2|;
///   - barrier: max CE over evenly spaced α ∈ [0, 1], endpoints included: 1000 points for pairs,
///     250 for statistics;
///   - untrained networks: synthetic inputs by Adam lr 0.05 (weight decay 1e-7) for ≤ 8192
///     iterations, stop at CE < 5e-4; free bypass at Adam lr 0.05 (weight decay 1e-7) for ≤ 4096
///     iterations, stop at CE < 5e-4, in two rounds.
///
/// Checked against the authors' released code (github.com/JVrabel/input_space_mode_connectivity,
/// commit 1a342322): utils.py L175–216 `bypass_barrier` (lr=0.005, iterations=1024,
/// lambda_mse=0.1, lambda_hf=1e-8; gradient projection L206–209 before `optimizer.step()` L211; no
/// early stop; returns the last iterate), utils.py L168–172 (TV = Σ|Δx| + Σ|Δy|), utils.py L133
/// (`torch.linspace(0, 1, steps)`: endpoints included), sec4_1_input_space_connectivity.py L37–39
/// (steps=1000), sec4_2_adversarial_attacks.py L47–74 `create_adversarial` and L205–253
/// (attack_iters=512, attack_lr=0.005, early_stop_loss=Loss1, interp_steps=250, pairs_per_class=7),
/// L265–273 `postprocess_barriers` (drop_top_n=2 by |Loss1 − Loss2|: 5 of 7 kept),
/// sec4_3_untrained_model.py L31–42 (FVO 0.05/8192/1e-7/5e-4, OPT 0.05/4096/1e-7/5e-4) and
/// utils.py L267–296 `optimize_point`. Where that code does more than the paper states, the preset
/// follows the paper's statement (see the README's protocol section for the list).
public enum ConnectivityProtocol: String, CaseIterable, Sendable, Codable {
    case modelattice
    case vrabel2024

    /// The protocol used when a configuration names none.
    public static let standard: ConnectivityProtocol = .modelattice

    /// All protocol names, in declaration order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The protocol called `name`; a name that does not exist is a usage error listing the valid ones.
    public init(name: String) throws {
        guard let p = ConnectivityProtocol(rawValue: name) else {
            throw ModeLatticeError.usage(
                "unknown protocol '\(name)' (valid: \(Self.names.joined(separator: ", ")))")
        }
        self = p
    }

    /// Decodes from its name (`"protocol": "vrabel2024"`), with the same error for an unknown name.
    public init(from decoder: any Decoder) throws {
        try self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    /// The projected bypass of a barrier point between inputs of a trained network, with its
    /// barrier sampling (`pointsPerSegment` = ``pairBarrierPoints``).
    public var bypass: BypassSettings {
        switch self {
        case .modelattice:
            return .trained
        case .vrabel2024:
            return BypassSettings(mode: .projected, learningRate: 0.005, iterations: 1024, deviationWeight: 0.1,
                                  tvWeight: 1e-8, weightDecay: 0, earlyStop: false, gapFraction: 0.1,
                                  gapFloor: 1e-3, lossThreshold: 0, pointsPerSegment: pairBarrierPoints,
                                  projection: .gradient, selection: .lastIterate)
        }
    }

    /// The free bypass of untrained networks (run ``untrainedBypassRounds`` rounds).
    public var untrainedBypass: BypassSettings {
        switch self {
        case .modelattice:
            return .untrained
        case .vrabel2024:
            return BypassSettings(mode: .free, learningRate: 0.05, iterations: 4096, deviationWeight: 0,
                                  tvWeight: 0, weightDecay: 1e-7, earlyStop: true, gapFraction: 0.1,
                                  gapFloor: 1e-3, lossThreshold: 5e-4, pointsPerSegment: pairBarrierPoints,
                                  projection: .gradient, selection: .lastIterate)
        }
    }

    /// Rounds of the untrained-network bypass (two: up to four segments, their Fig. 7).
    public var untrainedBypassRounds: Int { 2 }

    /// The targeted attack that makes the adversarial endpoint of a real–adversarial pair (stop once
    /// CE < Loss1 is the caller's `stopLoss`). Ours keeps pixels in [0, 1] (as `input adversarial`
    /// always has); the released attack does not clip.
    public var targetedAttack: TargetedAttack {
        var attack = TargetedAttack()       // lr 0.005, w = 0.1, λ_tv = 1e-8, ≤ 1024 steps
        switch self {
        case .modelattice: attack.box = InputBox(lower: 0, upper: 1)
        case .vrabel2024: attack.iterations = 512
        }
        return attack
    }

    /// Which drawn pairs the barrier statistics keep (nil: all of them).
    public var pairSelection: PairSelection? {
        switch self {
        case .modelattice: return nil
        case .vrabel2024: return PairSelection(drawnPerClass: 7, keptPerClass: 5)
        }
    }

    /// Evenly spaced α per straight path (and per bypass segment) for a single pair's barrier.
    public var pairBarrierPoints: Int {
        switch self {
        case .modelattice: return 250
        case .vrabel2024: return 1000
        }
    }

    /// Evenly spaced α per straight path for barrier statistics over many pairs.
    public var statisticsBarrierPoints: Int { 250 }

    /// Synthetic inputs of untrained networks (feature visualization): the same for both protocols,
    /// Adam lr 0.05, weight decay 1e-7, ≤ 8192 steps, stop at CE < 5e-4, start 0.01·N(0, I).
    public var featureVisualization: FeatureVisualization { FeatureVisualization() }
}

/// The pair filter of the seed paper's barrier statistics (Vrabel et al. 2025, §4.2): draw
/// `drawnPerClass` pairs of each class, keep the `keptPerClass` with the smallest endpoint-loss
/// difference |Loss1 − Loss2|, so that the barriers compared have endpoints of similar loss.
public struct PairSelection: Sendable, Equatable, Codable {
    public var drawnPerClass: Int
    public var keptPerClass: Int

    public init(drawnPerClass: Int, keptPerClass: Int) {
        self.drawnPerClass = drawnPerClass
        self.keptPerClass = keptPerClass
    }

    /// Indices of the kept pairs, ascending. Pairs are grouped by `classes[i]`; within a class the
    /// `keptPerClass` smallest |lossA[i] − lossC[i]| are kept, ties going to the earlier pair (a class
    /// with fewer pairs keeps all of them).
    public func kept(classes: [Int], lossA: [Double], lossC: [Double]) throws -> [Int] {
        guard classes.count == lossA.count, lossA.count == lossC.count else {
            throw ModeLatticeError.usage("pair selection needs one class and two endpoint losses per pair (got \(classes.count), \(lossA.count), \(lossC.count))")
        }
        guard keptPerClass >= 0 else {
            throw ModeLatticeError.usage("pairs kept per class must be non-negative (got \(keptPerClass))")
        }
        var byClass: [Int: [Int]] = [:]
        for (i, c) in classes.enumerated() { byClass[c, default: []].append(i) }
        var out: [Int] = []
        for (_, members) in byClass {
            let ranked = members.sorted {
                let d0 = abs(lossA[$0] - lossC[$0]), d1 = abs(lossA[$1] - lossC[$1])
                return d0 != d1 ? d0 < d1 : $0 < $1
            }
            out += ranked.prefix(keptPerClass)
        }
        return out.sorted()
    }
}
