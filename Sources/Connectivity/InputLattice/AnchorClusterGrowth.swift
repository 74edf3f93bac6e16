import Foundation
import Support

/// Growth of the open cluster of the anchor on the FULL-dimensional axis-aligned lattice
/// anchor + h·Z^n (n = input dimension, e.g. 784), no lattice stored: cluster sites are sparse
/// displacements (``LatticeDisplacement``), and every evaluated site is remembered by its 64-bit
/// linear key (``SiteKeys``, 8–16 bytes a site). Breadth-first (Leath 1976 order): the anchor is
/// generation 0; each cluster site taken from the queue has its not-yet-seen neighbours x ± h e_j
/// (up to 2n) decided as ONE batch — scored through the network (``NeighbourLogits``, with the
/// first Linear layer applied algebraically) or, for `iid:P`, by a hash coin — and the open ones
/// join the cluster in axis order (−e_j before +e_j) with generation g(x) + 1. The run ends when
/// the queue empties (the cluster died, finite) or the cluster reaches `cap` sites (survived).
/// Every site is decided at most once.
///
/// For iid site percolation on Z^n at large n the growth is a Galton–Watson process with
/// Binomial(2n − 1, P) offspring (the root: Binomial(2n, P)) up to loops of order 1/n
/// (``BranchingProcess`` in Percolation gives its survival to the cap); for a network, the sites
/// are correlated, which is what comparing the two measures.
///
/// Recorded: the cluster size; survival (size reached the cap); the radius, the largest L1
/// lattice distance Σ_j |k_j| from the anchor (units of h) among cluster sites; evaluations (sites
/// decided, the anchor included when the network scored it); the open fraction among decided
/// non-anchor sites (the cap's last batch included); the tied share, the fraction of decided
/// non-anchor sites whose verdict fell on a tie — score exactly τ for `loss` and `shell-quantile`
/// (resolved by the site key), the target sharing the maximum logit with another class for
/// `class`, none for `iid`; and per BFS generation the sites joined, decided and open.
public struct AnchorClusterGrowth: Sendable {
    public var anchor: [Float]
    public var spacing: Double
    public var rule: GrowthOpenRule
    public var target: Int
    public var cap: Int
    /// Seed of the iid rule's per-site coins (unused by network rules).
    public var seed: UInt64
    /// Threads for the neighbour batches (results do not depend on it).
    public var threads: Int

    /// One BFS generation g: `shellSize` sites joined the cluster at chemical distance g,
    /// `sitesEvaluated` sites at distance g were decided (neighbours of generation g − 1), of
    /// which `openSites` were open.
    public struct Generation: Sendable, Equatable, Codable {
        public var generation: Int
        public var shellSize: Int
        public var sitesEvaluated: Int
        public var openSites: Int
        public var openFraction: Double? { sitesEvaluated > 0 ? Double(openSites) / Double(sitesEvaluated) : nil }
    }

    public struct Result: Sendable, Equatable, Codable {
        public var clusterSize: Int
        public var survived: Bool
        public var evaluations: Int
        /// Largest L1 lattice distance Σ|k_j| from the anchor among cluster sites.
        public var radius: Int
        /// Open share of decided non-anchor sites (nil when none was decided).
        public var openFraction: Double?
        /// Share of decided non-anchor sites whose verdict was a tie (see the type's note).
        public var tiedShare: Double?
        /// τ of `shell-quantile` (nil for other rules).
        public var threshold: Double?
        public var generations: [Generation]
    }

    public init(anchor: [Float], spacing: Double, rule: GrowthOpenRule, target: Int, cap: Int,
                seed: UInt64 = 0, threads: Int = 1) throws {
        guard spacing > 0, spacing.isFinite else { throw ModeLatticeError.usage("spacing must be positive (got \(spacing))") }
        guard cap >= 1 else { throw ModeLatticeError.usage("the cap must be at least 1 site (got \(cap))") }
        guard !anchor.isEmpty, anchor.count <= LatticeDisplacement.maximumAxes else {
            throw ModeLatticeError.usage("growth needs inputs of 1 to \(LatticeDisplacement.maximumAxes) values (got \(anchor.count))")
        }
        self.anchor = anchor
        self.spacing = spacing
        self.rule = rule
        self.target = target
        self.cap = cap
        self.seed = seed
        self.threads = max(1, threads)
    }

    /// iid growth on Z^n (`rule` must be `iid:P`): no network, the anchor is the origin.
    public init(dimension n: Int, rule: GrowthOpenRule, cap: Int, seed: UInt64) throws {
        guard !rule.usesNetwork else { throw ModeLatticeError.usage("growth without a network takes the iid:P rule (got \(rule))") }
        guard n >= 1 else { throw ModeLatticeError.usage("the lattice dimension must be at least 1 (got \(n))") }
        try self.init(anchor: [Float](repeating: 0, count: n), spacing: 1, rule: rule, target: 0, cap: cap, seed: seed)
    }

    /// Writes anchor + h·Σ k_j e_j into `out`.
    public func fill(_ site: LatticeDisplacement, into out: UnsafeMutableBufferPointer<Float>) {
        anchor.withUnsafeBufferPointer { site.fill(anchor: $0, spacing: spacing, into: out.baseAddress!) }
    }

    /// Grows the cluster; `classifier` may be nil only for `iid:P`.
    public func run(classifier: (any InputClassifier)?) throws -> Result {
        let n = anchor.count
        var scorer: NeighbourLogits?
        if rule.usesNetwork {
            guard let classifier else { throw ModeLatticeError.usage("the open rule \(rule) needs a network") }
            guard classifier.inputSize == n else {
                throw ModeLatticeError.data("the anchor has \(n) values but the model takes \(classifier.inputSize)")
            }
            guard target >= 0, target < classifier.classCount else {
                throw ModeLatticeError.usage("class \(target) is not an output of the model (it has \(classifier.classCount) classes)")
            }
            scorer = NeighbourLogits(classifier: classifier, anchor: anchor, spacing: spacing, threads: threads)
        }
        let keys = SiteKeys(axes: n)
        let seen = SiteKeySet(expected: 8 * n)
        var sites = [LatticeDisplacement()]
        var siteKeys: [UInt64] = [0]
        var siteGeneration = [0]
        var generations = [Generation(generation: 0, shellSize: 1, sitesEvaluated: 0, openSites: 1)]
        var evaluations = 0, decided = 0, opened = 0, tied = 0, radius = 0
        _ = seen.insert(0)

        // The anchor: scored by `class` and `loss`, open by definition for `shell-quantile` and `iid`.
        switch rule {
        case .predictedClass, .loss:
            let z = try scorer!.anchorLogits()
            let s = z.withUnsafeBufferPointer { TargetScore($0, target: target) }
            evaluations = 1
            generations[0].sitesEvaluated = 1
            if !isOpen(s, key: 0, threshold: nil) {
                generations[0] = Generation(generation: 0, shellSize: 0, sitesEvaluated: 1, openSites: 0)
                return Result(clusterSize: 0, survived: false, evaluations: 1, radius: 0, openFraction: nil, tiedShare: nil,
                              threshold: nil, generations: generations)
            }
        case .shellQuantile, .iid:
            break
        }

        var threshold: (score: Double, key: UInt64)?
        // Shells are prepared (moves generated, keys marked seen) a batch at a time, parents in queue
        // order, and scored as one parallel batch; then decided one by one in the same order. A
        // shell's moves depend only on the keys seen before it, which earlier shells' decisions do
        // not change (they add queue entries, not keys), so the cluster is the one that deciding
        // each shell right after generating it would grow. Shells prepared past the cap are
        // dropped undecided (not counted as evaluations).
        let batchRows = 8 * threads * (scorer?.chunk ?? 256)
        var batch: [PreparedShell] = [], scored: [[TargetScore]] = [], next = 0
        var head = 0
        while sites.count < cap {
            if next == batch.count {
                batch.removeAll(keepingCapacity: true)
                next = 0
                var rows = 0
                while head < sites.count && (batch.isEmpty || rows < batchRows) {
                    let parent = head
                    head += 1
                    let shell = prepareShell(parent: parent, site: sites[parent], key: siteKeys[parent],
                                             generation: siteGeneration[parent] + 1, keys: keys, seen: seen)
                    if shell.moves.isEmpty { continue }
                    rows += shell.moves.count
                    batch.append(shell)
                }
                if batch.isEmpty { break }
                if let scorer {
                    let t = target
                    scored = try scorer.evaluate(batch.map { NeighbourLogits.Shell(parent: $0.parent, parentSite: $0.site, moves: $0.moves) }) { z, _ in
                        TargetScore(z, target: t)
                    }
                }
            }
            let shell = batch[next]
            let g = shell.generation, moves = shell.moves, moveKeys = shell.keys
            var open: [Bool] = []
            open.reserveCapacity(moves.count)
            if case .iid(let p) = rule {
                let coinSeed = SeedSequence.mix(seed)
                for key in moveKeys { open.append(Double(SeedSequence.mix(coinSeed ^ key) >> 11) * 0x1p-53 < p) }
            } else {
                let scores = scored[next]
                if case .shellQuantile(let q) = rule, threshold == nil {
                    threshold = AnchorClusterGrowth.shellThreshold(scores.map(\.loss), keys: moveKeys, quantile: q)
                }
                for (s, key) in zip(scores, moveKeys) {
                    open.append(isOpen(s, key: key, threshold: threshold))
                    if isTie(s, threshold: threshold) { tied += 1 }
                }
            }
            next += 1
            evaluations += moves.count
            decided += moves.count
            if generations.count <= g { generations.append(Generation(generation: g, shellSize: 0, sitesEvaluated: 0, openSites: 0)) }
            generations[g].sitesEvaluated += moves.count
            for (i, o) in open.enumerated() where o {
                opened += 1
                generations[g].openSites += 1
                guard sites.count < cap else { continue }
                let site = shell.site.moved(axis: moves[i].axis, by: moves[i].step)!
                sites.append(site)
                siteKeys.append(moveKeys[i])
                siteGeneration.append(g)
                scorer?.adopt(parent: shell.parent, move: moves[i])
                generations[g].shellSize += 1
                radius = max(radius, site.latticeDistance)
            }
        }
        let share: (Int) -> Double? = { decided > 0 ? Double($0) / Double(decided) : nil }
        return Result(clusterSize: sites.count, survived: sites.count >= cap, evaluations: evaluations, radius: radius,
                      openFraction: share(opened), tiedShare: rule.usesNetwork ? share(tied) : (decided > 0 ? 0 : nil),
                      threshold: threshold?.score, generations: generations)
    }

    /// A cluster site's not-yet-seen neighbours, in axis order (−e_j before +e_j), with their keys.
    private struct PreparedShell {
        var parent: Int
        var site: LatticeDisplacement
        var generation: Int
        var moves: [GrowthMove] = []
        var keys: [UInt64] = []
    }

    /// Generates the shell of `parent` and marks its neighbours' keys seen.
    private func prepareShell(parent: Int, site: LatticeDisplacement, key parentKey: UInt64, generation g: Int,
                              keys: SiteKeys, seen: SiteKeySet) -> PreparedShell {
        let n = anchor.count
        var shell = PreparedShell(parent: parent, site: site, generation: g)
        let nearEdge = site.entries.contains { abs(LatticeDisplacement.steps($0)) >= LatticeDisplacement.maximumSteps }
        keys.axisKeys.withUnsafeBufferPointer { r in
            for j in 0..<n {
                let minus = parentKey &- r[j], plus = parentKey &+ r[j]
                if (!nearEdge || site.moved(axis: j, by: -1) != nil) && seen.insert(minus) {
                    shell.moves.append(GrowthMove(axis: j, step: -1)); shell.keys.append(minus)
                }
                if (!nearEdge || site.moved(axis: j, by: 1) != nil) && seen.insert(plus) {
                    shell.moves.append(GrowthMove(axis: j, step: 1)); shell.keys.append(plus)
                }
            }
        }
        return shell
    }

    /// (τ, key_τ): the k-th lowest (score, key) of the first shell, k = ⌊q·N + ½⌋ (N = shell
    /// sites); (−∞, 0) when k = 0, so nothing beyond the anchor is open.
    static func shellThreshold(_ scores: [Double], keys: [UInt64], quantile q: Double) -> (score: Double, key: UInt64) {
        let k = min(scores.count, Int((q * Double(scores.count) + 0.5).rounded(.down)))
        guard k > 0 else { return (-.infinity, 0) }
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : keys[$0] < keys[$1] }
        let i = order[k - 1]
        return (scores[i], keys[i])
    }

    private func isOpen(_ s: TargetScore, key: UInt64, threshold: (score: Double, key: UInt64)?) -> Bool {
        switch rule {
        case .predictedClass: return s.predicted == target
        case .loss(let t): return s.loss < t
        case .shellQuantile:
            guard let threshold else { return true }
            return s.loss < threshold.score || (s.loss == threshold.score && key <= threshold.key)
        case .iid: return false
        }
    }

    private func isTie(_ s: TargetScore, threshold: (score: Double, key: UInt64)?) -> Bool {
        switch rule {
        case .predictedClass: return s.classTie
        case .loss(let t): return s.loss == t
        case .shellQuantile: return threshold.map { s.loss == $0.score } ?? false
        case .iid: return false
        }
    }
}
