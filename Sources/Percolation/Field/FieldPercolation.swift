import Foundation
import Support

/// Correlated site percolation: excursion sets of a stationary Gaussian random field
/// (``GaussianRandomField``) on the torus (Z/LZ)^d, the lowest fraction p of its values open
/// (``ExcursionSet``, exactly k = round(p·N) sites), clustered by the project's one labeling engine
/// (``ClusterLabeling``). With `none` this is iid site percolation at n = k, so it can be set
/// beside the Newman–Ziff sweep; with `gaussian:ξ` or `power:H` it is the correlated null against
/// which a landscape's sub-level sets can be compared (Weinrib & Halperin, PRB 27, 413, 1983).
///
/// Per trial t (field seeded with SeedSequence.derive(seed, "field", t), so the result does not
/// depend on threads or ranks), with the same formulas as ``LabelingResult``:
/// - on the torus: the largest cluster S_max, the number of clusters, the pair connectivity
///   Σ s(s − 1) / (k(k − 1)), and whether some cluster wraps along some axis;
/// - `spanning`: the same mask read with open boundaries (as `percolation sweep --boundary open`
///   does): some cluster touches both faces x_0 = 0 and x_0 = L − 1;
/// - with `measuresCovariance`, ĉ(r), r = 0…⌊L/2⌋ (``AxisCovariance``).
public struct FieldPercolation: Sendable {
    public let field: GaussianRandomField
    public let openFraction: Double
    /// k = round(p·N): the open sites of every trial.
    public let openCount: Int
    public let seed: UInt64
    public let generator: String
    public let measuresCovariance: Bool

    public var lattice: HypercubicLattice { field.lattice }
    public var correlation: FieldCorrelation { field.correlation }
    /// Largest r of the measured covariance: ⌊L/2⌋.
    public var maxDistance: Int { lattice.side / 2 }

    /// One trial's observables (the checkpointed unit).
    public struct Trial: Codable, Sendable, Equatable {
        public var largest: Int
        public var clusters: Int
        public var pairConnectivity: Double
        public var spanning: Bool
        public var wrappingAny: Bool
        /// ĉ(0…⌊L/2⌋), when measured.
        public var covariance: [Double]?
    }

    /// `lattice` must be periodic; p in (0, 1). Call ``checkMemory(lattice:concurrentTrials:limit:)``
    /// first for large lattices: this computes the spectrum (24 bytes per site at the peak).
    public init(lattice: HypercubicLattice, correlation: FieldCorrelation, openFraction: Double,
                seed: UInt64, generator: String? = nil, measuresCovariance: Bool = false) throws {
        let resolved = RandomGenerator.resolvedAlgorithm(generator)
        try RandomGenerator.validate(algorithm: resolved)
        openCount = try ExcursionSet.openCount(fraction: openFraction, sites: lattice.siteCount)
        field = try GaussianRandomField(lattice: lattice, correlation: correlation)
        self.openFraction = openFraction
        self.seed = seed
        self.generator = resolved
        self.measuresCovariance = measuresCovariance
    }

    /// Trial t's field.
    public func sample(_ t: Int) throws -> [Double] {
        let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "field", index: t))
        return try field.sample(rng: rng, transform: LatticeFourierTransform(lattice: lattice))
    }

    /// Trial t: field, excursion set, labeling on the torus and with open boundaries.
    public func trial(_ t: Int) throws -> Trial {
        let phi = try sample(t)
        let covariance = measuresCovariance ? AxisCovariance.measure(phi, lattice: lattice, maxDistance: maxDistance) : nil
        let mask = try ExcursionSet.lowest(phi, count: openCount)
        let torus = try ClusterLabeling.label(occupied: mask, lattice: lattice)
        let open = try HypercubicLattice(dimension: lattice.dimension, side: lattice.side, boundary: .open)
        let spanning = try ClusterLabeling.label(occupied: mask, lattice: open).spanning
        return Trial(largest: torus.largest, clusters: torus.clusters, pairConnectivity: torus.pairConnectivity,
                     spanning: spanning, wrappingAny: torus.wrappingAny, covariance: covariance)
    }

    /// Trials 0..<count with ``UnitRunner`` (threads, MPI ranks, resume from `checkpoint`).
    public func run(trials: Int, threads: Int, checkpoint: Checkpoint<Trial>? = nil,
                    progress: ProgressLine? = nil) throws -> [Trial] {
        guard trials >= 1 else { throw ModeLatticeError.usage("trial count must be at least 1 (got \(trials))") }
        return try UnitRunner.run(count: trials, threads: threads, checkpoint: checkpoint, progress: progress) {
            try self.trial($0)
        }
    }

    /// What the sidecar should say about the run: definitions and the spectrum's clamping.
    public var notes: [String] {
        let realised = field.realisedCovariance
        var deviation = 0.0
        for r in realised.indices { deviation = max(deviation, abs(realised[r] - correlation.covariance(distance: Double(r)))) }
        return [
            "field: stationary Gaussian, unit variance, spectral synthesis with GSL's mixed-radix FFT on the torus; trial t seeded with derive(seed, \"field\", t)",
            "covariance: none = iid; gaussian:XI: C(r) = exp(-r^2/(2 XI^2)); power:H: C(r) = (1 + r^2)^-(1-H), a = 2(1-H) (Weinrib & Halperin 1983; Makse et al. 1996)",
            "open: the \(openCount) lowest values (round(p N), ties by index); clusters, largest, pair connectivity and wrapping on the torus; spanning with open boundaries along axis 0",
            String(format: "spectrum: negative eigenvalues clamped to 0 (%d beyond rounding), %.3g of sum |S|; realised covariance deviates from the target by at most %.3g along an axis",
                   field.negativeModes, field.clampedShare, deviation),
        ]
    }

    /// The CSV contract of `modelattice percolation field`.
    public static let columns = ["trial", "dim", "size", "correlation", "open_fraction", "largest_fraction",
                                 "pair_connectivity", "spanning", "wrapping_any", "clusters"]

    /// One row per trial; open_fraction is the realised k/N, spanning and wrapping_any 0/1.
    public func table(_ trials: [Trial]) -> Table {
        let n = Double(lattice.siteCount)
        var table = Table(columns: FieldPercolation.columns)
        for (t, r) in trials.enumerated() {
            table.append([.int(t), .int(lattice.dimension), .int(lattice.side), .text(correlation.description),
                          .double(Double(openCount) / n), .double(Double(r.largest) / n), .double(r.pairConnectivity),
                          .int(r.spanning ? 1 : 0), .int(r.wrappingAny ? 1 : 0), .int(r.clusters)])
        }
        return table
    }

    /// The CSV contract of `--correlation-output`.
    public static let covarianceColumns = ["r", "c_target", "c_measured"]

    /// c_target(r) = C(r) of the correlation; c_measured(r) = Σ_t ĉ_t(r) / Σ_t ĉ_t(0) over the
    /// trials (the normalised covariance along the axes, averaged over trials and axes).
    public func covarianceTable(_ trials: [Trial]) -> Table {
        var sums = [Double](repeating: 0, count: maxDistance + 1)
        for trial in trials { if let c = trial.covariance { for r in sums.indices { sums[r] += c[r] } } }
        var table = Table(columns: FieldPercolation.covarianceColumns)
        for r in sums.indices {
            table.append([.int(r), .double(correlation.covariance(distance: Double(r))), .double(sums[r] / sums[0])])
        }
        return table
    }
}
