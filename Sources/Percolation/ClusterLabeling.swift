import Support

/// The clusters of one given occupancy (site percolation) on a hypercubic lattice.
///
/// `wrappingAxes[a]` (periodic): some cluster contains a loop winding around axis a (Machta et al.);
/// `spanning` (open): some cluster touches both faces of axis 0. `pairConnectivity` is
/// Σ s(s − 1) / (n(n − 1)) over clusters, n the occupied count (0 when n < 2): the probability that
/// two distinct occupied sites are connected. `histogram` is n_s: (size, number of clusters of that
/// size), by increasing size. `labels`, when asked for, gives each site its cluster's number
/// (0, 1, … in order of each cluster's first site in C order) or −1 when empty. Shape [N].
public struct LabelingResult: Sendable, Equatable {
    /// One entry of the cluster-size histogram n_s: `count` clusters of `size` sites.
    public struct SizeCount: Sendable, Equatable {
        public let size: Int
        public let count: Int
        public init(size: Int, count: Int) {
            self.size = size
            self.count = count
        }
    }

    public let lattice: HypercubicLattice
    public let sites: Int
    public let occupied: Int
    public let clusters: Int
    public let largest: Int
    public let secondLargest: Int
    /// Σ s² over all clusters.
    public let sumOfSquaredSizes: Int
    public let wrappingAxes: [Bool]
    public let spanning: Bool
    public let pairConnectivity: Double
    public let histogram: [SizeCount]
    public let labels: [Int32]?

    /// Some cluster wraps along some axis (periodic lattices; false for open ones).
    public var wrappingAny: Bool { wrappingAxes.contains(true) }

    /// Σ s² over all clusters but the largest, per site (the sweep's susceptibility column).
    public var susceptibility: Double { Double(sumOfSquaredSizes - largest * largest) / Double(sites) }

    /// The CSV contract of `modelattice percolation label`.
    public static let columns = ["sites", "occupied", "clusters", "largest", "second_largest",
                                 "wrapping_any", "spanning", "pair_connectivity"]

    /// The one-row table printed by `percolation label` (0/1 flags, empty where not applicable).
    public var table: Table {
        Table(columns: LabelingResult.columns, rows: [[
            .int(sites), .int(occupied), .int(clusters), .int(largest), .int(secondLargest),
            lattice.isPeriodic ? .int(wrappingAny ? 1 : 0) : .empty,
            lattice.isPeriodic ? .empty : .int(spanning ? 1 : 0),
            .double(pairConnectivity),
        ]])
    }

    /// The `size,count` table of n_s.
    public var histogramTable: Table {
        Table(columns: ["size", "count"], rows: histogram.map { [.int($0.size), .int($0.count)] })
    }
}

/// Cluster labeling of a given occupancy by a two-pass raster scan with label equivalences
/// (``RasterLabeling``: provisional labels, a union-find over labels, the periodic boundary bonds
/// with Machta winding vectors, then flattening and sizes). It reports the sweep's observables with
/// the sweep's formulas and the same winding width, so a labeled configuration and a sweep at the
/// same occupancy agree (tests check both against an independent flood fill).
public enum ClusterLabeling {
    /// Labels `occupied` (nonzero = occupied), shape [N] in C order of `lattice`.
    public static func label(occupied: UnsafeBufferPointer<UInt8>, lattice: HypercubicLattice,
                             siteLabels: Bool = false) throws -> LabelingResult {
        try label(occupied: occupied, lattice: lattice, siteLabels: siteLabels, layout: nil)
    }

    static func label(occupied: UnsafeBufferPointer<UInt8>, lattice: HypercubicLattice,
                      siteLabels: Bool, layout: ForestLayout?) throws -> LabelingResult {
        guard occupied.count == lattice.siteCount, let base = occupied.baseAddress else {
            throw ModeLatticeError.data("occupancy has \(occupied.count) entries but \(lattice) has \(lattice.siteCount) sites")
        }
        let windingBits: Int
        switch layout ?? ForestLayout.choose(lattice) {
        case .narrow(let b), .wide(let b): windingBits = b
        }
        return RasterLabeling.label(occupancy: base, lattice: lattice, windingBits: windingBits, siteLabels: siteLabels)
    }

    public static func label(occupied: [UInt8], lattice: HypercubicLattice,
                             siteLabels: Bool = false) throws -> LabelingResult {
        try occupied.withUnsafeBufferPointer { try label(occupied: $0, lattice: lattice, siteLabels: siteLabels) }
    }

    public static func label(occupied: UnsafeBufferPointer<Bool>, lattice: HypercubicLattice,
                             siteLabels: Bool = false) throws -> LabelingResult {
        // Bool is one byte holding 0 or 1.
        try UnsafeRawBufferPointer(occupied).withMemoryRebound(to: UInt8.self) {
            try label(occupied: $0, lattice: lattice, siteLabels: siteLabels)
        }
    }

    public static func label(occupied: [Bool], lattice: HypercubicLattice,
                             siteLabels: Bool = false) throws -> LabelingResult {
        try occupied.withUnsafeBufferPointer { try label(occupied: $0, lattice: lattice, siteLabels: siteLabels) }
    }

    /// Reads a `.npy` mask (bool or uint8, shape [L]*d) and labels it. A missing file is an I/O
    /// error; a file that is not .npy, of another dtype, or not hypercubic is a data error.
    public static func label(maskFile path: String, boundary: HypercubicLattice.Boundary,
                             siteLabels: Bool = false) throws -> LabelingResult {
        let array = try NPYArray.read(from: path)
        guard array.dtype == .bool || array.dtype == .uint8 else {
            throw ModeLatticeError.data("'\(path)' has dtype \(array.dtype.name); a mask must be bool or uint8 (save with mask.astype(bool))")
        }
        let shape = array.shape
        guard let side = shape.first, !shape.isEmpty, shape.allSatisfy({ $0 == side }), side >= 2 else {
            throw ModeLatticeError.data("'\(path)' has shape \(shape); a mask must be hypercubic, [L]*d with L >= 2")
        }
        let lattice = try HypercubicLattice(dimension: shape.count, side: side, boundary: boundary)
        return try array.bytes.withUnsafeBufferPointer { try label(occupied: $0, lattice: lattice, siteLabels: siteLabels) }
    }
}
