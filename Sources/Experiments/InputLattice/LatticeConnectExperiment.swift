import Connectivity
import Foundation
import NetworkCore
import Support

/// Lattice certificates of input-space connectivity (issue 7): for a same-class pair (A, C), a
/// lattice aligned with C − A plus m − 1 random orthonormal directions, spacing ‖C − A‖/K, searched
/// best-first (f = g + w·H; w = 1 is A*) for a path of open sites; every visited site is evaluated
/// exactly and every found path re-checked site by site. One row per pair, beside the straight
/// path's barrier gap and (optionally) the bypass's.
public struct LatticeConnectExperiment: Experiment {
    public enum PairKind: String, Codable, Sendable, CaseIterable { case real, synthetic }

    public struct Configuration: ExperimentConfiguration {
        /// Networks: untrained architecture(s) or a saved model; pair i uses network i mod count.
        public var networks = NetworkSource(arch: "mlp:784-256-256-10", networks: 8)
        /// Data for real pairs.
        public var data = DataSource()
        /// Number of pairs.
        public var pairs = 16
        /// real (two test images the network assigns to one class) or synthetic (feature visualization of class i mod classes).
        public var kind = PairKind.real
        /// Also run the barrier bypass (free, 2 rounds for untrained networks; projected for a model file).
        public var bypass = false
        /// Bypass settings for untrained and for trained networks (library presets, recorded here).
        public var untrainedBypass = BypassSettings.untrained
        public var trainedBypass = BypassSettings.trained
        /// Lattice steps K from A to C.
        public var steps = 16
        /// Lattice axes m: C − A plus m − 1 random orthonormal directions.
        public var axes = 8
        /// Open rule: class or loss:TAU.
        public var open = "class"
        /// Most network evaluations per pair.
        public var budget = 20_000
        /// Weight w of the heuristic in f = g + w·H (1 = A*, shortest open path).
        public var weight = 1.5
        public init() {}
    }

    public static let identifier = "lattice_connect"
    public static let revision = BarrierBypass.revision
    public static let columns = ["pair", "class", "found", "path_sites", "lattice_distance", "evaluations",
                                 "linear_barrier_gap", "bypass_barrier_gap"]

    public init() {}

    public struct Setup: Sendable {
        var data: Dataset?
        var rule: OpenRule
    }

    public struct Row: Codable, Sendable {
        var pair: Int
        var cls: Int
        var result: LatticeCertificate.Result
        var linearGap: Double
        var bypassGap: Double?
        var bypassStatus: BypassStatus?
    }

    public func validate(_ c: Configuration) throws {
        try c.networks.validate()
        let rule = try OpenRule(parsing: c.open)
        if case .quantile = rule { throw ModeLatticeError.invalid("open", "quantile:q needs a finite lattice; connect takes class or loss:TAU") }
        guard c.pairs >= 1 else { throw ModeLatticeError.invalid("pairs", "must be at least 1 (got \(c.pairs))") }
        guard c.steps >= 1 else { throw ModeLatticeError.invalid("steps", "must be at least 1 (got \(c.steps))") }
        guard c.weight >= 1 else { throw ModeLatticeError.invalid("weight", "must be at least 1 (got \(c.weight))") }
        guard c.budget >= 2 else { throw ModeLatticeError.invalid("budget", "must be at least 2 (got \(c.budget))") }
    }

    public func prepare(_ c: Configuration, _ s: RunSettings) throws -> Setup {
        let probe = try c.networks.network(0, seed: s.seed, generator: s.generator)
        guard c.axes >= 1, c.axes <= probe.inputSize else {
            throw ModeLatticeError.invalid("axes", "must be between 1 and the input dimension \(probe.inputSize) (got \(c.axes))")
        }
        BLAS.setThreads(1)
        return Setup(data: c.kind == .real ? try LatticeData.testData(c.data, inputSize: probe.inputSize) : nil,
                     rule: try OpenRule(parsing: c.open))
    }

    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] { Array(0..<c.pairs) }

    public func run(_ i: Int, index: Int, _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> Row {
        let net = try c.networks.network(i % c.networks.networkCount, seed: s.seed, generator: s.generator)
        let rng = try RandomGenerator(algorithm: s.generator, seed: SeedSequence.derive(s.seed, stream: "lattice-connect-pair", index: i))
        let (a, b, cls): ([Float], [Float], Int)
        switch c.kind {
        case .real: (a, b, cls) = try LatticeData.realPair(data: setup.data!, classifier: net, rng: rng)
        case .synthetic:
            let target = i % net.classCount
            let fv = FeatureVisualization()
            (a, b, cls) = (try fv.synthesize(classifier: net, target: target, rng: rng).input,
                           try fv.synthesize(classifier: net, target: target, rng: rng).input, target)
        }
        let linearGap = try net.linearBarrier(from: a, to: b, target: cls).barrier.barrierGap
        var bypassGap: Double? = nil
        var bypassStatus: BypassStatus? = nil
        if c.bypass {
            let untrained = c.networks.arch != nil
            let r = try BarrierBypass.run(classifier: net, from: a, to: b, target: cls,
                                          settings: untrained ? c.untrainedBypass : c.trainedBypass, rounds: untrained ? 2 : 1)
            (bypassGap, bypassStatus) = (r.barrier.barrierGap, r.status)
        }
        let lattice = try CertificateLattice(a: a, c: b, steps: c.steps, axes: c.axes, rng: rng)
        let search = try LatticeCertificate(lattice: lattice, rule: setup.rule, target: cls, weight: c.weight, maximumEvaluations: c.budget)
        let result = try search.search(classifier: net)
        if result.found, let bad = try search.verify(result.path, classifier: net) {
            throw ModeLatticeError.software("pair \(i): the certificate failed its re-check at site \(bad) of \(result.path.count)")
        }
        return Row(pair: i, cls: cls, result: result, linearGap: linearGap, bypassGap: bypassGap, bypassStatus: bypassStatus)
    }

    public func products(_ rows: [Row], _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        for r in rows {
            table.append([.int(r.pair), .int(r.cls), .int(r.result.found ? 1 : 0),
                          r.result.found ? .int(r.result.path.count) : .empty, .int(r.result.latticeDistance),
                          .int(r.result.evaluations), .double(r.linearGap), r.bypassGap.map { .double($0) } ?? .empty])
        }
        var notes = ["certificates found for \(rows.filter(\.result.found).count) of \(rows.count) pairs; every found path re-checked site by site",
                     "path_sites counts both endpoints; a straight path has lattice_distance + 1 sites",
                     "linear_barrier_gap: 250-point straight path (Barrier); bypass_barrier_gap with bypass (BarrierBypass: the best path seen, never higher than the straight one)"]
        if c.bypass {
            notes.append("bypass: \(rows.filter { $0.bypassStatus == .stepCap }.count) of \(rows.count) pairs hit the step cap before the stopping criterion")
        }
        return ExperimentProducts(table: table, notes: notes)
    }
}
