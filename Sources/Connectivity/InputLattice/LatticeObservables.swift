import Percolation
import Support

/// The cluster observables of one occupancy of a d-dimensional lattice of N sites with n open:
/// open fraction p = n/N; largest fraction S_max/N (as in the sweep); largest share S_max/n;
/// pair connectivity Σ s(s−1)/(n(n−1)) over clusters (the probability that two distinct open
/// sites are connected, as in the sweep); spanning (a cluster touches both faces of axis 0, open
/// boundaries); number of clusters. All are read off Percolation's ``LabelingResult``, the very
/// code path iid masks go through.
public struct LatticeObservables: Sendable, Equatable, Codable {
    public var openFraction: Double
    public var largestFraction: Double
    public var largestShare: Double
    public var pairConnectivity: Double
    public var spanning: Double
    public var clusters: Double

    public init(openFraction: Double, largestFraction: Double, largestShare: Double,
                pairConnectivity: Double, spanning: Double, clusters: Double) {
        self.openFraction = openFraction
        self.largestFraction = largestFraction
        self.largestShare = largestShare
        self.pairConnectivity = pairConnectivity
        self.spanning = spanning
        self.clusters = clusters
    }

    public init(_ r: LabelingResult) {
        let n = Double(r.sites)
        self.init(openFraction: Double(r.occupied) / n, largestFraction: Double(r.largest) / n,
                  largestShare: r.occupied > 0 ? Double(r.largest) / Double(r.occupied) : 0,
                  pairConnectivity: r.pairConnectivity, spanning: r.spanning ? 1 : 0, clusters: Double(r.clusters))
    }

    /// Component-wise mean of several configurations (iid masks, networks).
    public static func mean(_ xs: [LatticeObservables]) -> LatticeObservables {
        let m = Double(max(xs.count, 1))
        func avg(_ f: (LatticeObservables) -> Double) -> Double { xs.reduce(0) { $0 + f($1) } / m }
        return .init(openFraction: avg(\.openFraction), largestFraction: avg(\.largestFraction),
                     largestShare: avg(\.largestShare), pairConnectivity: avg(\.pairConnectivity),
                     spanning: avg(\.spanning), clusters: avg(\.clusters))
    }

    /// The six values in the CSV order (open_fraction … clusters).
    public var values: [Double] { [openFraction, largestFraction, largestShare, pairConnectivity, spanning, clusters] }
    public static let names = ["open_fraction", "largest_fraction", "largest_share", "pair_connectivity", "spanning", "clusters"]
}

/// One network lattice beside iid site percolation at the same open fraction: the network mask is
/// labeled with ``ClusterLabeling`` on an open-boundary hypercubic lattice [L]*d, and `iidMasks`
/// iid Bernoulli(p) masks (``IIDMask``, GSL, p = the network's open fraction) are labeled with the
/// same call and averaged.
public struct LatticeComparison: Sendable, Codable, Equatable {
    public var network: LatticeObservables
    public var iid: LatticeObservables

    public init(network: LatticeObservables, iid: LatticeObservables) {
        self.network = network
        self.iid = iid
    }

    public static func compare(mask: [Bool], dimension d: Int, side L: Int, iidMasks: Int,
                               rng: RandomGenerator) throws -> LatticeComparison {
        let lattice = try HypercubicLattice(dimension: d, side: L, boundary: .open)
        let net = LatticeObservables(try ClusterLabeling.label(occupied: mask, lattice: lattice))
        var iid: [LatticeObservables] = []
        for _ in 0..<max(0, iidMasks) {
            let m = try IIDMask.generate(lattice: lattice, p: net.openFraction, rng: rng)
            iid.append(LatticeObservables(try ClusterLabeling.label(occupied: m, lattice: lattice)))
        }
        return LatticeComparison(network: net, iid: LatticeObservables.mean(iid))
    }
}
