import Foundation
import Support

/// Correlated site percolation: excursion sets of a stationary Gaussian random field
/// (``GaussianRandomField``), the lowest fraction p of its values open (``ExcursionSet``, exactly
/// k = round(p·N) sites), clustered by the project's one labeling engine (``ClusterLabeling``).
/// With `none` this is iid site percolation at n = k, so it can be set beside the Newman–Ziff
/// sweep; with `gaussian:ξ` or `power:H` it is the correlated null against which a landscape's
/// sub-level sets can be compared (Weinrib & Halperin, PRB 27, 413, 1983).
///
/// Two geometries, by the lattice's boundary:
/// - periodic: the field lives on the torus (Z/LZ)^d itself; its covariance is C at the
///   minimum-image distance, so lags near L/2 see their images (harmless for ξ ≪ L);
/// - open: the box {0…L−1}^d is cut from a field on the torus of side 2L (circulant embedding,
///   Dietrich & Newsam 1997). Every lag inside the box has |x_a| ≤ L − 1 < 2L − (L − 1), so its
///   minimum image is itself and the box's covariance is C exactly (up to the clamped spectrum the
///   notes report), with no wrap-around: the null for a box of a landscape, such as a network's
///   subspace lattice, which has open boundaries. Costs 2^d times the box's sites.
///
/// Per trial t (field seeded with SeedSequence.derive(seed, "field", t), so the result does not
/// depend on threads or ranks), with the same formulas as ``LabelingResult``:
/// - on the lattice (torus or box): the largest cluster S_max, the number of clusters, the pair
///   connectivity Σ s(s − 1) / (k(k − 1)), and whether some cluster wraps along some axis (never, in
///   a box);
/// - `spanning`: the same mask read with open boundaries (as `percolation sweep --boundary open`
///   does): some cluster touches both faces x_0 = 0 and x_0 = L − 1;
/// - with `measuresCovariance`, ĉ(r), r = 0…⌊L/2⌋ (torus) or 0…L − 1 (box, measured on the
///   embedding torus) (``AxisCovariance``).
public struct FieldPercolation: Sendable {
    public let field: GaussianRandomField
    /// The lattice whose sites are opened and labeled: the field's torus, or the box cut from it.
    public let lattice: HypercubicLattice
    public let openFraction: Double
    /// k = round(p·N): the open sites of every trial.
    public let openCount: Int
    public let seed: UInt64
    public let generator: String
    public let measuresCovariance: Bool

    /// The torus the field is drawn on: `lattice` itself when periodic, side 2L when open.
    public var embedding: HypercubicLattice { field.lattice }
    public var correlation: FieldCorrelation { field.correlation }
    /// Largest r of the measured covariance: ⌊L/2⌋ on a torus, L − 1 in a box.
    public var maxDistance: Int { lattice.isPeriodic ? lattice.side / 2 : lattice.side - 1 }

    /// The torus a field for `lattice` is drawn on (see the type's documentation).
    public static func embedding(for lattice: HypercubicLattice) throws -> HypercubicLattice {
        if lattice.isPeriodic { return lattice }
        do {
            return try HypercubicLattice(dimension: lattice.dimension, side: 2 * lattice.side, boundary: .periodic)
        } catch let e as ModeLatticeError {
            throw ModeLatticeError(e.kind, "an open box of side \(lattice.side) is cut from a torus of side \(2 * lattice.side): \(e.message)")
        }
    }

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

    /// p in (0, 1). Call ``FieldMemory/check(lattice:concurrentTrials:limit:)`` on
    /// ``embedding(for:)`` first for large lattices: this computes the spectrum (24 bytes per site of
    /// the embedding at the peak).
    public init(lattice: HypercubicLattice, correlation: FieldCorrelation, openFraction: Double,
                seed: UInt64, generator: String? = nil, measuresCovariance: Bool = false) throws {
        let resolved = RandomGenerator.resolvedAlgorithm(generator)
        try RandomGenerator.validate(algorithm: resolved)
        openCount = try ExcursionSet.openCount(fraction: openFraction, sites: lattice.siteCount)
        field = try GaussianRandomField(lattice: try Self.embedding(for: lattice), correlation: correlation)
        self.lattice = lattice
        self.openFraction = openFraction
        self.seed = seed
        self.generator = resolved
        self.measuresCovariance = measuresCovariance
    }

    /// Trial t's field on the embedding torus (shape [embedding sites], C order).
    public func sample(_ t: Int) throws -> [Double] {
        let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "field", index: t))
        return try field.sample(rng: rng, transform: LatticeFourierTransform(lattice: embedding))
    }

    /// Trial t's field on `lattice`: the sample itself on a torus, the box x ∈ {0…L−1}^d cut from the
    /// embedding otherwise (box site Σ x_a L^(d−1−a) ← embedding site Σ x_a (2L)^(d−1−a)).
    public func values(_ t: Int) throws -> [Double] {
        let phi = try sample(t)
        return lattice.isPeriodic ? phi : Self.box(phi, of: lattice, in: embedding)
    }

    /// The box `box` ({0…L−1}^d) of a field on `embedding`, the torus of side 2L (both C order).
    static func box(_ phi: [Double], of box: HypercubicLattice, in embedding: HypercubicLattice) -> [Double] {
        let l = box.side, d = box.dimension
        var out = [Double](repeating: 0, count: box.siteCount)
        var x = [Int](repeating: 0, count: d)
        var source = 0
        let strides = embedding.strides
        for i in out.indices {
            out[i] = phi[source]
            // Odometer over x, last axis fastest, keeping the embedding index in step.
            var a = d - 1
            while a >= 0 {
                x[a] += 1
                source += strides[a]
                if x[a] < l { break }
                source -= l * strides[a]
                x[a] = 0
                a -= 1
            }
        }
        return out
    }

    /// Trial t: field, excursion set, labeling on `lattice` and with open boundaries.
    public func trial(_ t: Int) throws -> Trial {
        let phi = try sample(t)
        let covariance = measuresCovariance ? AxisCovariance.measure(phi, lattice: embedding, maxDistance: maxDistance) : nil
        let values = lattice.isPeriodic ? phi : Self.box(phi, of: lattice, in: embedding)
        let mask = try ExcursionSet.lowest(values, count: openCount)
        let labeled = try ClusterLabeling.label(occupied: mask, lattice: lattice)
        let spanning = lattice.isPeriodic
            ? try ClusterLabeling.label(occupied: mask, lattice: HypercubicLattice(dimension: lattice.dimension, side: lattice.side, boundary: .open)).spanning
            : labeled.spanning
        return Trial(largest: labeled.largest, clusters: labeled.clusters, pairConnectivity: labeled.pairConnectivity,
                     spanning: spanning, wrappingAny: labeled.wrappingAny, covariance: covariance)
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
        for r in realised.indices where r <= maxDistance { deviation = max(deviation, abs(realised[r] - correlation.covariance(distance: Double(r)))) }
        return [
            "field: stationary Gaussian, unit variance, spectral synthesis with GSL's mixed-radix FFT on the torus" +
                (lattice.isPeriodic ? "" : " of side \(embedding.side), the box of side \(lattice.side) cut from it (circulant embedding: every in-box lag is its own minimum image)") +
                "; trial t seeded with derive(seed, \"field\", t)",
            "covariance: none = iid; gaussian:XI: C(r) = exp(-r^2/(2 XI^2)); power:H: C(r) = (1 + r^2)^-(1-H), a = 2(1-H) (Weinrib & Halperin 1983; Makse et al. 1996)",
            "open: the \(openCount) lowest values (round(p N), ties by index); clusters, largest, pair connectivity and wrapping on the " +
                (lattice.isPeriodic ? "torus" : "box (open boundaries)") + "; spanning with open boundaries along axis 0",
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
