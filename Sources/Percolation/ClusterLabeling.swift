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

/// Cluster labeling by union-find over a raster scan (Hoshen & Kopelman, PRB 14, 3438, 1976, in
/// the union-find form of Newman & Ziff): sites are visited in C order and each occupied site is
/// joined to its already-visited occupied neighbours with the very `link` the Newman–Ziff sweep
/// uses, so a labeled configuration and a sweep at the same occupancy report identical
/// observables. Periodic boundaries are handled by also joining the last row of each axis to the
/// first (with the winding of the crossing), which the sweep's union-find absorbs directly.
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
        return try lattice.withClusterGrowth(LabelingVisitor(lattice: lattice, occupancy: base, siteLabels: siteLabels),
                                             layout: layout)
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

struct LabelingVisitor: GrowthVisitor {
    let lattice: HypercubicLattice
    let occupancy: UnsafePointer<UInt8>
    let siteLabels: Bool

    func visit<Word: FixedWidthInteger & SignedInteger, G: PotentialGroup>(
        _ growth: inout ClusterGrowth<Word, G>) throws -> LabelingResult {
        let n = lattice.siteCount
        for i in 0..<n where occupancy[i] != 0 { growth.addSiteRaster(i, occupancy: occupancy) }
        // Cluster sizes: one pass over the roots.
        let forest = growth.forest
        var counts = [Int32](repeating: 0, count: growth.largest + 1)
        var secondLargest = 0
        var seenLargest = false
        counts.withUnsafeMutableBufferPointer { counts in
            for i in 0..<n {
                let w = forest.words[i]
                if w >= 0 || w == UnionFind<Word, G>.absent { continue }
                let s = forest.size(ofRootWord: w)
                counts[s] += 1
                if s == growth.largest && !seenLargest { seenLargest = true } else if s > secondLargest { secondLargest = s }
            }
        }
        var histogram: [LabelingResult.SizeCount] = []
        for (size, count) in counts.enumerated() where count > 0 {
            histogram.append(.init(size: size, count: Int(count)))
        }
        var labels: [Int32]? = nil
        if siteLabels {
            labels = [Int32](repeating: -1, count: n)
            var next: Int32 = 0
            labels!.withUnsafeMutableBufferPointer { labels in
                for i in 0..<n where occupancy[i] != 0 {
                    let r = forest.find(i).root
                    if labels[r] < 0 { labels[r] = next; next += 1 }
                    labels[i] = labels[r]
                }
            }
        }
        // The sweep's observable formulas (pair connectivity is entry 5).
        var observables = [Double](repeating: 0, count: 6 + lattice.dimension)
        observables.withUnsafeMutableBufferPointer { growth.observables(into: $0.baseAddress!, inverseSites: 1 / Double(n)) }
        let occupied = growth.occupied
        let pair = observables[5]
        return LabelingResult(
            lattice: lattice, sites: n, occupied: occupied, clusters: growth.clusters,
            largest: growth.largest, secondLargest: secondLargest, sumOfSquaredSizes: growth.sumSquares,
            wrappingAxes: (0..<lattice.dimension).map { lattice.isPeriodic && growth.wrappedAxes & (1 << UInt32($0)) != 0 },
            spanning: growth.spanning, pairConnectivity: pair, histogram: histogram, labels: labels)
    }
}

/// An iid site mask: each site occupied with probability p, independently, drawn in C order from
/// one GSL generator (uniform < p). Shape [N].
public enum IIDMask {
    public static func generate(lattice: HypercubicLattice, p: Double, rng: RandomGenerator) throws -> [UInt8] {
        guard p >= 0 && p <= 1 else { throw ModeLatticeError.usage("p must lie in [0, 1] (got --p \(p))") }
        return [UInt8](unsafeUninitializedCapacity: lattice.siteCount) { buffer, count in
            for i in 0..<lattice.siteCount { buffer[i] = rng.uniform() < p ? 1 : 0 }
            count = lattice.siteCount
        }
    }
}
