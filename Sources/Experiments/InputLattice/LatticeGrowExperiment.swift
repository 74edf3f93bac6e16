import Connectivity
import Foundation
import NetworkCore
import Support

/// The open cluster of an anchor on the full-dimensional lattice anchor + h·Z^n (n = input
/// dimension), grown breadth-first until it dies or reaches `cap` sites (``AnchorClusterGrowth``,
/// open rules ``GrowthOpenRule``); one row per (network, trial, spacing). The fraction of survived
/// rows estimates the survival probability. With `iid:P` the network only gives n and the growth is
/// iid site percolation on Z^n (a Galton–Watson process with Binomial(2n − 1, P) offspring up to
/// loops of order 1/n).
public struct LatticeGrowExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Networks: untrained architecture(s) or a saved model.
        public var networks = NetworkSource(arch: "mlp:784-256-256-10")
        /// Data for real anchors.
        public var data = DataSource()
        /// Anchors (trials) per network.
        public var trials = 4
        /// Spacings h > 0 along each input axis.
        public var spacings = [0.1, 0.3, 1]
        /// Anchor: real test image, synthetic (feature visualization) or origin.
        public var anchor = LatticeAnchor.real
        /// Open rule: class, loss:TAU, shell-quantile:Q (τ = the Q-quantile of the score over the anchor's first shell) or iid:P (network unused).
        public var open = "class"
        /// Target class (nil: the network's prediction at the anchor).
        public var targetClass: Int? = nil
        /// Stop when the cluster has this many sites (survived).
        public var cap = 10_000
        public init() {}
    }

    public static let identifier = "lattice_grow"
    public static let revision = 1
    public static let columns = ["network", "trial", "spacing", "open_rule", "cluster_size", "survived", "evaluations",
                                 "radius", "open_fraction", "tied_share", "threshold"]
    public static var extraTables: [String: [String]] {
        ["generations": ["network", "trial", "spacing", "generation", "shell_size", "sites_evaluated", "open_fraction"]]
    }

    public init() {}

    public struct Setup: Sendable {
        var rule: GrowthOpenRule
        var inputSize: Int
        var data: Dataset?
    }

    /// One growth: network k, anchor t, spacing index s.
    public struct Unit: Sendable { var network: Int, trial: Int, spacing: Int }

    public struct Row: Codable, Sendable {
        var network: Int
        var trial: Int
        var spacing: Double
        var result: AnchorClusterGrowth.Result
    }

    public func validate(_ c: Configuration) throws {
        try c.networks.validate()
        let rule = try GrowthOpenRule(parsing: c.open)
        if !rule.usesNetwork && c.targetClass != nil {
            throw ModeLatticeError.invalid("targetClass", "does not apply: the iid:P open rule does not use the network")
        }
        guard c.cap >= 1 else { throw ModeLatticeError.invalid("cap", "must be at least 1 (got \(c.cap))") }
        guard !c.spacings.isEmpty, c.spacings.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ModeLatticeError.invalid("spacings", "must be positive (got \(c.spacings.map { Cell.double($0).csv }.joined(separator: ",")))")
        }
        guard c.trials >= 1 else { throw ModeLatticeError.invalid("trials", "must be at least 1 (got \(c.trials))") }
    }

    public func prepare(_ c: Configuration, _ s: RunSettings) throws -> Setup {
        let rule = try GrowthOpenRule(parsing: c.open)
        let probe = try c.networks.network(0, seed: s.seed, generator: s.generator)
        if let k = c.targetClass, k < 0 || k >= probe.classCount {
            throw ModeLatticeError.invalid("targetClass", "\(k) is not an output of the model (it has \(probe.classCount) classes, 0-\(probe.classCount - 1))")
        }
        let data = c.anchor == .real && rule.usesNetwork ? try LatticeData.testData(c.data, inputSize: probe.inputSize) : nil
        // Parallel over units; BLAS stays at 1 thread so the two levels do not oversubscribe.
        BLAS.setThreads(1)
        return Setup(rule: rule, inputSize: probe.inputSize, data: data)
    }

    /// Units in table order: networks, then trials, then spacings.
    public func units(_ c: Configuration, _ setup: Setup) throws -> [Unit] {
        (0..<c.networks.networkCount).flatMap { k in
            (0..<c.trials).flatMap { t in c.spacings.indices.map { Unit(network: k, trial: t, spacing: $0) } }
        }
    }

    public func run(_ u: Unit, index: Int, _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> Row {
        let i = u.network * c.trials + u.trial, h = c.spacings[u.spacing]
        let coins = SeedSequence.derive(s.seed, stream: "lattice-grow-iid", index: i)
        guard setup.rule.usesNetwork else {
            let growth = try AnchorClusterGrowth(dimension: setup.inputSize, rule: setup.rule, cap: c.cap, seed: coins)
            return Row(network: u.network, trial: u.trial, spacing: h, result: try growth.run(classifier: nil))
        }
        let net = try c.networks.network(u.network, seed: s.seed, generator: s.generator)
        let x = try c.anchor.anchor(net: net, data: setup.data, seed: s.seed, stream: "lattice-grow-anchor", index: i,
                                    targetClass: c.targetClass, network: u.network)
        let target = try c.targetClass ?? net.predictions(x, count: 1)[0]
        let units = c.networks.networkCount * c.trials * c.spacings.count
        let growth = try AnchorClusterGrowth(anchor: x, spacing: h, rule: setup.rule, target: target, cap: c.cap,
                                             seed: coins, threads: units >= s.threads ? 1 : s.threads)
        return Row(network: u.network, trial: u.trial, spacing: h, result: try growth.run(classifier: net))
    }

    public func products(_ rows: [Row], _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        var generations = Table(columns: Self.extraTables["generations"]!)
        func cell(_ v: Double?) -> Cell { v.map { .double($0) } ?? .empty }
        for r in rows {
            table.append([.int(r.network), .int(r.trial), .double(r.spacing), .text(setup.rule.description),
                          .int(r.result.clusterSize), .int(r.result.survived ? 1 : 0), .int(r.result.evaluations),
                          .int(r.result.radius), cell(r.result.openFraction), cell(r.result.tiedShare), cell(r.result.threshold)])
            for g in r.result.generations {
                generations.append([.int(r.network), .int(r.trial), .double(r.spacing), .int(g.generation), .int(g.shellSize),
                                    .int(g.sitesEvaluated), cell(g.openFraction)])
            }
        }
        return ExperimentProducts(
            tables: ["table": table, "generations": generations],
            notes: ["breadth-first growth on anchor + h·Z^n; survived = the cluster reached the cap",
                    "score = cross-entropy of the target in Double from the Float logits; radius = largest L1 lattice distance (units of h)",
                    "open_fraction and tied_share over decided non-anchor sites; threshold = τ of shell-quantile"])
    }
}
