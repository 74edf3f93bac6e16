import Connectivity
import Foundation
import NetworkCore
import Percolation
import Support

/// Issue 18, items 5–6: a family of networks from the ordered to the chaotic phase of the
/// mean-field order-to-chaos transition (untrained tanh/ReLU MLPs with W ~ N(0, σ_w²/fan_in),
/// b ~ N(0, σ_b²); Poole et al. 2016, Schoenholz et al. 2017: tanh is ordered for σ_w² ≲ 1 at
/// small σ_b² and chaotic above, ReLU is critical at σ_w² = 2), and for every member:
/// - ξ/h: the 1/e length of the axis two-point function of the score (``AxisCorrelation``) on
///   lines a + t·h·e_j, t = −R … R, through real anchors (one group per anchor);
/// - full-dimensional growth on anchor + h·Z^n (``AnchorClusterGrowth``) with
///   `shell-quantile:q`, q = λ/(2n − 1), for each λ, and with `class` (the network's own p),
///   beside the branching process (``BranchingProcess``) survival to the same cap at the
///   measured open fraction;
/// - subspace lattices d ∈ dims (``SubspaceScan``, class rule, spacing h) beside iid percolation
///   and beside the correlated null: a Gaussian field `gaussian:ξ` (``FieldPercolation``) at the
///   measured ξ/h and the same p on the same box with open boundaries (cut from a torus of side 2L,
///   so the box has the target covariance without wrap-around), labeled by the same engine;
/// - measured connectivity: same-class synthetic pairs (feature visualization), barrier gap of
///   the bypass (``BarrierBypass``, untrained preset for architectures) ≤ ε, and the share of
///   lattice certificates found (``LatticeCertificate``), with Wilson 95 % intervals.
/// Tables: growth (main), subspace, prediction (one row per member).
public struct LatticeFamilyExperiment: Experiment {
    /// One network of the family: a label and its source (network k serves anchor/pair k mod count).
    public struct Member: Codable, Sendable, Equatable {
        public var label: String
        public var network: NetworkSource
        /// Growth cap of this member's full-dimensional clusters (nil: the configuration's `cap`).
        /// For networks without an algebraic first layer (a CNN): every neighbour costs a whole
        /// forward pass, so their cap is set lower and the branching process is taken to the same cap.
        public var cap: Int? = nil
        public init(label: String, network: NetworkSource, cap: Int? = nil) {
            self.label = label
            self.network = network
            self.cap = cap
        }

        /// An untrained mlp:784-W-…-W-10:act (depth hidden layers) with gaussian initialization.
        public static func mlp(_ act: String, depth: Int, width: Int, sigmaW: Double, sigmaB: Double, networks: Int = 4) -> Member {
            let arch = "mlp:784-" + Array(repeating: String(width), count: depth).joined(separator: "-") + "-10:" + act
            let label = "\(act) depth \(depth) width \(width) sw2=\(String(format: "%g", sigmaW * sigmaW)) sb2=\(String(format: "%g", sigmaB * sigmaB))"
            return Member(label: label, network: NetworkSource(arch: arch, initialization: "gaussian", sigmaW: sigmaW,
                                                               sigmaB: sigmaB, networks: networks))
        }
    }

    public struct Configuration: ExperimentConfiguration {
        /// The family, ordered to chaotic.
        public var members: [Member] = [
            .mlp("tanh", depth: 4, width: 64, sigmaW: 1, sigmaB: 0.1),
            .mlp("tanh", depth: 4, width: 64, sigmaW: 2, sigmaB: 0.1),
            .mlp("tanh", depth: 4, width: 64, sigmaW: 4, sigmaB: 0.1),
            .mlp("tanh", depth: 10, width: 64, sigmaW: 4, sigmaB: 0.1),
            .mlp("relu", depth: 4, width: 64, sigmaW: 1, sigmaB: 0.1),
            .mlp("relu", depth: 4, width: 64, sigmaW: 2.0.squareRoot(), sigmaB: 0.1),
            Member(label: "mlp:784-256-256-10 default init", network: NetworkSource(arch: "mlp:784-256-256-10", networks: 4)),
        ]
        /// Data for real anchors.
        public var data = DataSource()
        /// Real anchors per member (growth and ξ).
        public var anchors = 8
        /// Lattice spacing h along every input axis (growth, ξ and subspace lattices).
        public var spacing = 1.0
        /// Mean offspring λ = (2n − 1)·q of the shell-quantile rule, q = λ/(2n − 1). The rule opens
        /// k = ⌊q·2n + ½⌋ of the anchor's 2n first-shell sites, so at n = 784 λ = 1, 2, 3, … give
        /// k = λ, λ < 0.5 gives k = 0 (nothing opens), and 0.5 ≤ λ < 1.5 all give k = 1: only
        /// integer mean offspring ≥ 1 are distinct rules.
        public var lambdas = [1.0, 2.0, 3.0, 4.0, 8.0]
        /// Growth cap (sites): survival = the cluster reached it.
        public var cap = 300
        /// ξ: largest lag R (units of h) and axes sampled per anchor.
        public var maxLag = 8
        public var correlationAxes = 16
        /// Subspace lattice dimensions and sites per lattice (L = round(sites^(1/d))).
        public var dims = "2-8"
        public var sites = 4096
        /// iid masks and correlated-null fields per subspace lattice.
        public var iidMasks = 8
        public var nullTrials = 8
        /// Same-class synthetic pairs per member for measured connectivity.
        public var pairs = 8
        /// Connected: barrier gap after the bypass ≤ ε.
        public var epsilon = 0.05
        /// Bypass presets (untrained for architectures, trained for a model file).
        public var untrainedBypass = BypassSettings.untrained
        public var trainedBypass = BypassSettings.trained
        /// Feature-visualization steps at most, per endpoint.
        public var featureIterations = 2048
        /// Lattice certificate: steps K from A to C, axes m, evaluations at most, heuristic weight.
        public var certificateSteps = 16
        public var certificateAxes = 8
        public var certificateBudget = 5000
        public var certificateWeight = 1.5
        public init() {}
    }

    public static let identifier = "lattice_family"
    /// 2: the null is an open box cut from a torus of twice the side (was the torus of side L itself).
    /// 3: a `cap` column (members may have their own cap).
    public static let revision = 3
    public static let columns = ["configuration", "label", "xi_over_h", "open_rule", "lambda", "q", "anchors", "cap", "survival", "se",
                                 "open_fraction", "tied_share", "mean_cluster_size", "mean_radius", "branching_survival", "branching_nominal"]
    public static let subspaceColumns = ["configuration", "label", "xi_over_h", "dim", "size", "open_fraction", "pair_connectivity",
                                         "pair_connectivity_se", "largest_fraction", "iid_pair_connectivity", "iid_largest_fraction",
                                         "null_pair_connectivity", "null_largest_fraction", "p_c"]
    public static let predictionColumns = ["configuration", "label", "xi_over_h", "own_open_fraction", "predicted_subspace_pair_connectivity",
                                           "subspace_dim", "predicted_survival", "survival_se", "branching_survival", "pairs",
                                           "connected_fraction", "connected_low", "connected_high", "certificate_share",
                                           "certificate_low", "certificate_high"]
    public static var extraTables: [String: [String]] { ["subspace": subspaceColumns, "prediction": predictionColumns] }

    public init() {}

    public struct Setup: Sendable {
        var data: Dataset
        var dims: [Int]
        var inputSize: Int
    }

    public enum Unit: Sendable {
        case grow(member: Int, anchor: Int)
        case subspace(member: Int, dim: Int)
        case pair(member: Int, pair: Int)
    }

    public struct Growth: Codable, Sendable {
        var survived: Bool
        var size: Int
        var radius: Int
        var openFraction: Double?
        var tiedShare: Double?
    }

    public struct Outcome: Codable, Sendable {
        var member: Int
        /// grow: per rule (lambdas in order, then class), the growth; and the score lines.
        var growth: [Growth]?
        var lines: [[Double]]?
        var subspace: SubspaceScan.Row?
        var connected: Bool?
        var certificate: Bool?
    }

    public func validate(_ c: Configuration) throws {
        guard !c.members.isEmpty else { throw ModeLatticeError.invalid("members", "is empty") }
        for m in c.members {
            try m.network.validate()
            if let cap = m.cap, cap < 1 { throw ModeLatticeError.invalid("cap", "of member '\(m.label)' must be at least 1 (got \(cap))") }
        }
        _ = try IntegerList.parse(c.dims, field: "dims")
        guard c.anchors >= 1 else { throw ModeLatticeError.invalid("anchors", "must be at least 1 (got \(c.anchors))") }
        guard c.cap >= 1 else { throw ModeLatticeError.invalid("cap", "must be at least 1 (got \(c.cap))") }
        guard c.spacing > 0, c.spacing.isFinite else { throw ModeLatticeError.invalid("spacing", "must be positive (got \(c.spacing))") }
        guard c.maxLag >= 1 else { throw ModeLatticeError.invalid("maxLag", "must be at least 1 (got \(c.maxLag))") }
        guard c.pairs >= 0, c.sites >= 2, c.nullTrials >= 1 else {
            throw ModeLatticeError.invalid("pairs", "must be ≥ 0 with sites ≥ 2 and nullTrials ≥ 1 (got \(c.pairs), \(c.sites), \(c.nullTrials))")
        }
        guard c.epsilon >= 0 else { throw ModeLatticeError.invalid("epsilon", "must be at least 0 (got \(c.epsilon))") }
    }

    public func prepare(_ c: Configuration, _ s: RunSettings) throws -> Setup {
        let probe = try c.members[0].network.network(0, seed: s.seed, generator: s.generator)
        for (i, m) in c.members.enumerated() {
            let net = try m.network.network(0, seed: s.seed, generator: s.generator)
            guard net.inputSize == probe.inputSize else {
                throw ModeLatticeError.invalid("members", "must share one input size (member \(i) takes \(net.inputSize), member 0 \(probe.inputSize))")
            }
            for q in c.lambdas { _ = try GrowthOpenRule(parsing: "shell-quantile:\(q / Double(2 * net.inputSize - 1))") }
        }
        BLAS.setThreads(1)
        return Setup(data: try LatticeData.testData(c.data, inputSize: probe.inputSize),
                     dims: try IntegerList.parse(c.dims, field: "dims"), inputSize: probe.inputSize)
    }

    public func units(_ c: Configuration, _ setup: Setup) throws -> [Unit] {
        var out: [Unit] = []
        for m in c.members.indices {
            out += (0..<c.anchors).map { Unit.grow(member: m, anchor: $0) }
            out += setup.dims.map { Unit.subspace(member: m, dim: $0) }
            out += (0..<c.pairs).map { Unit.pair(member: m, pair: $0) }
        }
        return out
    }

    func rules(_ c: Configuration, inputSize n: Int) -> [GrowthOpenRule] {
        c.lambdas.map { .shellQuantile($0 / Double(2 * n - 1)) } + [.predictedClass]
    }

    public func run(_ u: Unit, index: Int, _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> Outcome {
        switch u {
        case .grow(let m, let a):
            let source = c.members[m].network
            let net = try source.network(a % source.networkCount, seed: s.seed, generator: s.generator)
            let x = LatticeData.image(setup.data, seed: s.seed, stream: "lattice-family-anchor", index: a).image
            let target = try net.predictions(x, count: 1)[0]
            let rng = try RandomGenerator(algorithm: s.generator, seed: SeedSequence.derive(s.seed, stream: "lattice-family-axes", index: m * 4096 + a))
            let lines = try AxisLineSampler(anchor: x, spacing: c.spacing, maxLag: c.maxLag, axes: min(c.correlationAxes, x.count), rng: rng)
                .sample(classifier: net, target: target).loss
            let growth = try rules(c, inputSize: x.count).map { rule -> Growth in
                let r = try AnchorClusterGrowth(anchor: x, spacing: c.spacing, rule: rule, target: target, cap: c.members[m].cap ?? c.cap)
                    .run(classifier: net)
                return Growth(survived: r.survived, size: r.clusterSize, radius: r.radius, openFraction: r.openFraction, tiedShare: r.tiedShare)
            }
            return Outcome(member: m, growth: growth, lines: lines)
        case .subspace(let m, let d):
            let net = try c.members[m].network.network(0, seed: s.seed, generator: s.generator)
            let x = LatticeData.image(setup.data, seed: s.seed, stream: "lattice-family-anchor", index: 0).image
            var scan = SubspaceScan(dims: [d], extent: .sites(c.sites), spacing: .fixed(c.spacing), rule: .predictedClass,
                                    iidMasks: c.iidMasks, target: nil, seed: SeedSequence.derive(s.seed, stream: "lattice-family-subspace", index: m),
                                    generator: s.generator)
            scan.batch = 1024
            return Outcome(member: m, subspace: try scan.run(network: 0, dimension: d, classifier: net, anchor: x))
        case .pair(let m, let i):
            let source = c.members[m].network
            let net = try source.network(i % source.networkCount, seed: s.seed, generator: s.generator)
            let rng = try RandomGenerator(algorithm: s.generator, seed: SeedSequence.derive(s.seed, stream: "lattice-family-pair", index: m * 4096 + i))
            let cls = i % net.classCount
            var fv = FeatureVisualization()
            fv.iterations = c.featureIterations
            let a = try fv.synthesize(classifier: net, target: cls, rng: rng).input
            let b = try fv.synthesize(classifier: net, target: cls, rng: rng).input
            let untrained = source.arch != nil
            let bypass = try BarrierBypass.run(classifier: net, from: a, to: b, target: cls,
                                               settings: untrained ? c.untrainedBypass : c.trainedBypass, rounds: untrained ? 2 : 1)
            let lattice = try CertificateLattice(a: a, c: b, steps: c.certificateSteps, axes: c.certificateAxes, rng: rng)
            let search = try LatticeCertificate(lattice: lattice, rule: .predictedClass, target: cls, weight: c.certificateWeight,
                                                maximumEvaluations: c.certificateBudget)
            let found = try search.search(classifier: net)
            if found.found, let bad = try search.verify(found.path, classifier: net) {
                throw ModeLatticeError.software("member \(m) pair \(i): the certificate failed its re-check at site \(bad)")
            }
            return Outcome(member: m, connected: bypass.barrier.barrierGap <= c.epsilon, certificate: found.found)
        }
    }

    /// ξ/h of one member from its anchors' score lines (one group per anchor); nil when C(R) ≥ 1/e.
    static func correlationLength(_ grows: [Outcome], maxLag: Int) -> Double? {
        var lines: [[Double]] = [], groups: [Int] = []
        for (a, g) in grows.enumerated() { for l in g.lines! { lines.append(l); groups.append(a) } }
        return AxisCorrelation.estimate(lines: lines, groups: groups, maxLag: maxLag).length
    }

    struct NullKey: Hashable { var member: Int; var dim: Int }

    /// The correlated null beside each subspace lattice with a finite ξ and 0 < p < 1: `nullTrials`
    /// fields gaussian:ξ at the lattice's p on its open box, mean pair connectivity and largest
    /// fraction. Each (member, dim) has its own seed, so the (member, dim) units run in parallel on
    /// the run's threads and the values do not depend on the thread count.
    static func correlatedNulls(_ results: [Outcome], xis: [Double?], _ c: Configuration, _ s: RunSettings) throws
        -> [NullKey: (pair: Double, largest: Double)] {
        let jobs: [(key: NullKey, side: Int, xi: Double, p: Double)] = results.compactMap { o in
            guard let row = o.subspace, let xi = xis[o.member] else { return nil }
            let p = row.comparison.network.openFraction
            guard p > 0, p < 1 else { return nil }
            return (NullKey(member: o.member, dim: row.dim), row.side, xi, p)
        }
        let values = try ParallelMap.map(count: jobs.count, threads: s.threads) { i -> (pair: Double, largest: Double) in
            let job = jobs[i]
            let lattice = try HypercubicLattice(dimension: job.key.dim, side: job.side, boundary: .open)
            let field = try FieldPercolation(lattice: lattice, correlation: .gaussian(xi: job.xi), openFraction: job.p,
                                             seed: SeedSequence.derive(s.seed, stream: "lattice-family-null", index: job.key.member * 1024 + job.key.dim),
                                             generator: s.generator)
            let trials = try (0..<c.nullTrials).map { try field.trial($0) }
            return (Self.mean(trials.map(\.pairConnectivity))!, Self.mean(trials.map { Double($0.largest) / Double(lattice.siteCount) })!)
        }
        return Dictionary(uniqueKeysWithValues: zip(jobs.map(\.key), values))
    }

    /// Wilson score interval (95 %) of k successes in n trials.
    static func wilson(_ k: Int, _ n: Int) -> (Double, Double)? {
        guard n > 0 else { return nil }
        let z = 1.959963984540054, p = Double(k) / Double(n), nn = Double(n)
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    static func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }

    public func products(_ results: [Outcome], _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> ExperimentProducts {
        func cell(_ v: Double?) -> Cell { v.map { .double($0) } ?? .empty }
        let n = setup.inputSize, rules = self.rules(c, inputSize: n)
        let xis = c.members.indices.map { m in Self.correlationLength(results.filter { $0.member == m && $0.growth != nil }, maxLag: c.maxLag) }
        let nulls = try Self.correlatedNulls(results, xis: xis, c, s)
        var grow = Table(columns: Self.columns), sub = Table(columns: Self.subspaceColumns), pred = Table(columns: Self.predictionColumns)
        for (m, member) in c.members.enumerated() {
            let mine = results.filter { $0.member == m }
            let grows = mine.filter { $0.growth != nil }
            let xi = xis[m], cap = member.cap ?? c.cap
            var classRow: (survival: Double, se: Double, p: Double?, branching: Double?)?
            for (r, rule) in rules.enumerated() {
                let g = grows.map { $0.growth![r] }
                let k = Double(g.count)
                let survival = Double(g.filter(\.survived).count) / k
                let se = (survival * (1 - survival) / k).squareRoot()
                let p = Self.mean(g.compactMap(\.openFraction))
                let branching = try p.flatMap { (p: Double) throws -> Double? in
                    guard p > 0 && p < 1 else { return nil }
                    return try BranchingProcess(dimension: n, p: p).survival(toSize: cap)
                }
                var lambda: Double? = nil, q: Double? = nil, nominal: Double? = nil
                if case .shellQuantile(let qq) = rule {
                    q = qq; lambda = c.lambdas[r]
                    nominal = try BranchingProcess(dimension: n, p: qq).survival(toSize: cap)
                } else {
                    classRow = (survival, se, p, branching)
                }
                grow.append([.int(m), .text(member.label), cell(xi), .text(rule.description), cell(lambda), cell(q), .int(g.count), .int(cap),
                             .double(survival), .double(se), cell(p), cell(Self.mean(g.compactMap(\.tiedShare))),
                             .double(Double(g.map(\.size).reduce(0, +)) / k), .double(Double(g.map(\.radius).reduce(0, +)) / k),
                             cell(branching), cell(nominal)])
            }
            var lastPair: (Double, Int)? = nil
            for o in mine.compactMap(\.subspace).sorted(by: { $0.dim < $1.dim }) {
                let net = o.comparison.network, iid = o.comparison.iid, p = net.openFraction
                let null = nulls[NullKey(member: m, dim: o.dim)]
                let nullPair = null?.pair, nullLargest = null?.largest
                // s.e. of a pair connectivity from one lattice: not available; left empty.
                sub.append([.int(m), .text(member.label), cell(xi), .int(o.dim), .int(o.side), .double(p), .double(net.pairConnectivity),
                            .empty, .double(net.largestFraction), .double(iid.pairConnectivity), .double(iid.largestFraction),
                            cell(nullPair), cell(nullLargest), cell(o.pc)])
                lastPair = (net.pairConnectivity, o.dim)
            }
            let pairs = mine.filter { $0.connected != nil }
            let connected = pairs.filter { $0.connected! }.count, certs = pairs.filter { $0.certificate! }.count
            let ci = Self.wilson(connected, pairs.count), cc = Self.wilson(certs, pairs.count)
            pred.append([.int(m), .text(member.label), cell(xi), cell(classRow?.p), cell(lastPair?.0), lastPair.map { Cell.int($0.1) } ?? Cell.empty,
                         cell(classRow?.survival), cell(classRow?.se), cell(classRow?.branching), .int(pairs.count),
                         cell(pairs.isEmpty ? nil : Double(connected) / Double(pairs.count)), cell(ci?.0), cell(ci?.1),
                         cell(pairs.isEmpty ? nil : Double(certs) / Double(pairs.count)), cell(cc?.0), cell(cc?.1)])
        }
        return ExperimentProducts(tables: ["table": grow, "subspace": sub, "prediction": pred], notes: [
            "ξ/h: 1/e crossing of the axis two-point function of the Double cross-entropy of the anchor's predicted class, lines t = −R…R through each real anchor, one group per anchor; empty when C(R) ≥ 1/e (ξ > R)",
            "growth: breadth-first on anchor + h·Z^n to the cap (the member's own, column cap); survival = share of anchors whose cluster reached the cap, se = √(s(1−s)/anchors); branching_survival = Galton–Watson Binomial(2n−1, p) survival to the cap at the measured open fraction p, branching_nominal at p = q",
            "subspace: class rule, spacing h, one network (0) and one anchor per member; iid = mean of iidMasks Bernoulli(p) masks (open boundaries); null = gaussian:ξ Gaussian field at the same p on the same box with open boundaries (cut from a torus of twice the side, so no wrap-around), mean of nullTrials fields",
            "prediction: own p = open fraction of the class-rule growth; predicted_subspace_pair_connectivity at the largest subspace dim; connected = barrier gap of the bypass ≤ ε over synthetic same-class pairs (feature visualization), Wilson 95 % intervals",
        ])
    }
}
