import Foundation
import Support

/// A dimension scan of subspace lattices through one network: for each d, draw d orthonormal
/// directions, score the L^d sites around the anchor, open them by the rule, and compare the
/// clusters with iid site percolation at the same open fraction (``LatticeComparison``).
///
/// Extent: a fixed side L for every d, or a fixed number of sites N (L = max(2, round(N^(1/d)))).
/// Spacing: fixed h, or automatic
///     h = 2·r / ((L − 1)·√d),   r = median ‖x‖ of the data,
/// so the lattice's half-diagonal h·(L−1)/2·√d equals r in every dimension: each lattice reaches
/// about as far from the anchor as a typical input lies from the origin, whatever d and L are, and
/// scans over d compare lattices of the same reach in input space. (A ReLU network with zero biases
/// is positively homogeneous, so its class regions are cones through the origin; the default
/// anchor is therefore a real input, never the origin.)
///
/// Seeds: directions of (network k, dimension d) from `derive(seed, "lattice-directions", k·1024 + d)`,
/// iid masks from `derive(seed, "lattice-iid", k·1024 + d)`.
public struct SubspaceScan: Sendable {
    public enum Extent: Sendable, Equatable { case side(Int), sites(Int) }
    public enum Spacing: Sendable, Equatable { case fixed(Double), automatic(referenceNorm: Double) }

    public var dims: [Int]
    public var extent: Extent
    public var spacing: Spacing
    public var rule: OpenRule
    public var iidMasks: Int
    /// Target class; nil = the network's prediction at the anchor.
    public var target: Int?
    public var seed: UInt64
    public var generator: String?
    public var batch: Int = 1024

    /// One row of the comparison table.
    public struct Row: Sendable, Codable, Equatable {
        public var network: Int
        public var dim: Int
        public var side: Int
        public var sites: Int
        public var spacing: Double
        public var targetClass: Int
        public var comparison: LatticeComparison
        public var pc: Double?
    }

    public init(dims: [Int], extent: Extent, spacing: Spacing, rule: OpenRule, iidMasks: Int,
                target: Int?, seed: UInt64, generator: String?) {
        self.dims = dims
        self.extent = extent
        self.spacing = spacing
        self.rule = rule
        self.iidMasks = iidMasks
        self.target = target
        self.seed = seed
        self.generator = generator
    }

    public func side(dimension d: Int) -> Int {
        switch extent {
        case .side(let L): return L
        case .sites(let n): return max(2, Int(pow(Double(n), 1 / Double(d)).rounded()))
        }
    }

    public func spacing(dimension d: Int, side L: Int) -> Double {
        switch spacing {
        case .fixed(let h): return h
        case .automatic(let r): return 2 * r / (Double(L - 1) * Double(d).squareRoot())
        }
    }

    /// Checks sizes, spacing and class before any work (usage errors).
    public func validate(inputSize n: Int, classCount: Int) throws {
        guard !dims.isEmpty else { throw ModeLatticeError.invalid("dims", "is empty") }
        for d in dims {
            guard d >= 1, d <= n else {
                throw ModeLatticeError.invalid("dims", "must be between 1 and the input dimension \(n) (got \(d))")
            }
            let L = side(dimension: d)
            guard L >= 2 else { throw ModeLatticeError.invalid("size", "must be at least 2 (got \(L))") }
            _ = try SubspaceLattice.siteCount(dimension: d, side: L)
            let h = spacing(dimension: d, side: L)
            guard h > 0, h.isFinite else { throw ModeLatticeError.invalid("spacing", "must be positive (got \(h))") }
        }
        if let target, target < 0 || target >= classCount {
            throw ModeLatticeError.usage("class \(target) is not an output of the model (it has \(classCount) classes, 0-\(classCount - 1))")
        }
        guard iidMasks >= 0 else { throw ModeLatticeError.invalid("iidMasks", "must be at least 0 (got \(iidMasks))") }
    }

    /// The target class for an anchor: the given one, else the network's prediction there.
    public func targetClass(classifier: any InputClassifier, anchor: [Float]) throws -> Int {
        if let target { return target }
        return try classifier.predictions(anchor, count: 1)[0]
    }

    /// One (network, dimension) unit.
    public func run(network k: Int, dimension d: Int, classifier: any InputClassifier, anchor: [Float],
                    threads: Int = 1) throws -> Row {
        let L = side(dimension: d)
        let h = spacing(dimension: d, side: L)
        let c = try targetClass(classifier: classifier, anchor: anchor)
        let unit = k * 1024 + d
        let directionRNG = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "lattice-directions", index: unit))
        let lattice = try SubspaceLattice(anchor: anchor, dimension: d, side: L, spacing: h, rng: directionRNG)
        let scores = try lattice.scores(evaluator: SiteEvaluator(classifier: classifier, batch: batch, threads: threads), target: c)
        let mask = rule.mask(scores)
        let iidRNG = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "lattice-iid", index: unit))
        let comparison = try LatticeComparison.compare(mask: mask, dimension: d, side: L, iidMasks: iidMasks, rng: iidRNG)
        return Row(network: k, dim: d, side: L, sites: lattice.siteCount, spacing: h, targetClass: c,
                   comparison: comparison, pc: SiteThreshold.literature(dimension: d))
    }

    /// The CSV contract of `modelattice lattice subspace`.
    public static let columns = [
        "network", "dim", "size", "sites", "open_fraction", "largest_fraction", "largest_share",
        "pair_connectivity", "spanning", "clusters", "iid_largest_fraction", "iid_largest_share",
        "iid_pair_connectivity", "iid_spanning", "iid_clusters", "p_c",
    ]

    public static func table(_ rows: [Row]) -> Table {
        var t = Table(columns: columns)
        for r in rows {
            let n = r.comparison.network, i = r.comparison.iid
            t.append([.int(r.network), .int(r.dim), .int(r.side), .int(r.sites), .double(n.openFraction),
                      .double(n.largestFraction), .double(n.largestShare), .double(n.pairConnectivity),
                      .int(Int(n.spanning)), .int(Int(n.clusters)), .double(i.largestFraction),
                      .double(i.largestShare), .double(i.pairConnectivity), .double(i.spanning),
                      .double(i.clusters), r.pc.map { .double($0) } ?? .empty])
        }
        return t
    }

    /// Mean and standard error over networks, per dimension: for each observable X of the network
    /// lattices and of iid percolation at the same p, `X_mean` and `X_se` = sd/√networks (empty
    /// with one network).
    public static func summary(_ rows: [Row]) -> Table {
        var columns = ["dim", "size", "sites", "networks"]
        for name in LatticeObservables.names { columns += [name + "_mean", name + "_se"] }
        for name in LatticeObservables.names.dropFirst() { columns += ["iid_" + name + "_mean", "iid_" + name + "_se"] }
        columns.append("p_c")
        var t = Table(columns: columns)
        for d in Array(Set(rows.map(\.dim))).sorted() {
            let group = rows.filter { $0.dim == d }
            var row: [Cell] = [.int(d), .int(group[0].side), .int(group[0].sites), .int(group.count)]
            func stats(_ xs: [Double]) -> [Cell] {
                let m = xs.reduce(0, +) / Double(xs.count)
                guard xs.count > 1 else { return [.double(m), .empty] }
                let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
                return [.double(m), .double((v / Double(xs.count)).squareRoot())]
            }
            for j in 0..<6 { row += stats(group.map { $0.comparison.network.values[j] }) }
            for j in 1..<6 { row += stats(group.map { $0.comparison.iid.values[j] }) }
            row.append(group[0].pc.map { .double($0) } ?? .empty)
            t.append(row)
        }
        return t
    }
}
