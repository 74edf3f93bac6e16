import Connectivity
import Foundation
import NetworkCore
import Support

/// Network-induced input lattices in random d-dimensional slices (issue 7): around an anchor x0,
/// sites x0 + h·Σ k_i u_i (k ∈ {0..L−1}^d centred, u_i random orthonormal directions) are open by
/// the rule (same class, loss ≤ τ, or the lowest-q quantile of the loss), labeled by the percolation
/// engine and compared with iid site percolation at the same open fraction p. One row per
/// (network, d); the summary averages over networks with s.e. = sd/√networks.
public struct LatticeSubspaceExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Networks: untrained architecture(s) or a saved model.
        public var networks = NetworkSource(arch: "mlp:784-256-256-10", networks: 8)
        /// Data for real anchors and the reference norm of the automatic spacing.
        public var data = DataSource()
        /// Lattice dimensions, e.g. 1-7 or 1,2,4.
        public var dims = "1-6"
        /// Side L of every lattice (exclusive with `sites`).
        public var size: Int? = 8
        /// Fixed sites per lattice: L = round(sites^(1/d)) (exclusive with `size`).
        public var sites: Int? = nil
        /// Spacing h > 0, or "auto": h = 2·median‖x‖/((L−1)·√d), the same reach in every d.
        public var spacing = "auto"
        /// Anchor: real test image, synthetic (feature visualization) or origin.
        public var anchor = LatticeAnchor.real
        /// Open rule: class, loss:TAU or quantile:Q.
        public var open = "class"
        /// Target class (nil: the network's prediction at the anchor).
        public var targetClass: Int? = nil
        /// iid masks per lattice, averaged at the same p.
        public var iidMasks = 8
        /// Sites per network batch.
        public var batch = 1024
        public init() {}
    }

    public static let identifier = "lattice_subspace"
    public static let revision = 1
    public static var columns: [String] { SubspaceScan.columns }
    public static var extraTables: [String: [String]] { ["summary": SubspaceScan.summary([]).columns] }

    public init() {}

    public struct Setup: Sendable {
        var scan: SubspaceScan
        var dims: [Int]
        var data: Dataset?
        var referenceNorm: Double?
    }

    public func validate(_ c: Configuration) throws {
        try c.networks.validate()
        _ = try OpenRule(parsing: c.open)
        _ = try IntegerList.parse(c.dims, field: "dims")
        guard (c.size == nil) != (c.sites == nil) else { throw ModeLatticeError.usage("give exactly one of a side L or a number of sites") }
        if let sites = c.sites, sites < 2 { throw ModeLatticeError.invalid("sites", "must be at least 2 (got \(sites))") }
        if c.spacing != "auto" {
            guard let h = Double(c.spacing), h > 0, h.isFinite else {
                throw ModeLatticeError.invalid("spacing", "must be a positive number or auto (got \(c.spacing))")
            }
        }
    }

    public func prepare(_ c: Configuration, _ s: RunSettings) throws -> Setup {
        let probe = try c.networks.network(0, seed: s.seed, generator: s.generator)
        let data = c.anchor == .real || c.spacing == "auto" ? try LatticeData.testData(c.data, inputSize: probe.inputSize) : nil
        let referenceNorm = c.spacing == "auto" ? LatticeData.medianNorm(data!) : nil
        let dims = try IntegerList.parse(c.dims, field: "dims")
        var scan = SubspaceScan(dims: dims, extent: c.size.map { .side($0) } ?? .sites(c.sites!),
                                spacing: referenceNorm.map { .automatic(referenceNorm: $0) } ?? .fixed(Double(c.spacing)!),
                                rule: try OpenRule(parsing: c.open), iidMasks: c.iidMasks, target: c.targetClass,
                                seed: s.seed, generator: s.generator)
        scan.batch = c.batch
        try scan.validate(inputSize: probe.inputSize, classCount: probe.classCount)
        // Parallel over units; BLAS stays at 1 thread so the two levels do not oversubscribe.
        BLAS.setThreads(1)
        return Setup(scan: scan, dims: dims, data: data, referenceNorm: referenceNorm)
    }

    /// One unit per (network, d).
    public func units(_ c: Configuration, _ setup: Setup) throws -> [(network: Int, dim: Int)] {
        (0..<c.networks.networkCount).flatMap { k in setup.dims.map { (k, $0) } }
    }

    public func run(_ u: (network: Int, dim: Int), index: Int, _ c: Configuration, _ setup: Setup,
                    _ s: RunSettings) throws -> SubspaceScan.Row {
        let net = try c.networks.network(u.network, seed: s.seed, generator: s.generator)
        let x = try c.anchor.anchor(net: net, data: setup.data, seed: s.seed, stream: "lattice-anchor", index: u.network,
                                    targetClass: c.targetClass, network: u.network)
        let units = c.networks.networkCount * setup.dims.count
        return try setup.scan.run(network: u.network, dimension: u.dim, classifier: net, anchor: x,
                                  threads: max(1, s.threads / units))
    }

    public func products(_ rows: [SubspaceScan.Row], _ c: Configuration, _ setup: Setup, _ s: RunSettings) throws -> ExperimentProducts {
        ExperimentProducts(tables: ["table": SubspaceScan.table(rows), "summary": SubspaceScan.summary(rows)],
                           notes: ["iid columns: means over iidMasks iid Bernoulli(p) masks at each lattice's open fraction p, labeled by the same ClusterLabeling call (open boundaries)",
                                   "spacing auto: h = 2·r/((L−1)·√d), r = median ‖x‖ of 1000 test images"
                                   + (setup.referenceNorm.map { " (r = \($0))" } ?? "")])
    }
}
