import Foundation
import Support

/// A d-dimensional lattice laid through input space: sites
///     x(k) = anchor + h · Σ_a (k_a − ⌊L/2⌋) u_a,   k ∈ {0, …, L−1}^d,
/// with u_a orthonormal (``OrthonormalDirections``), h the spacing and L the side. Offsets are
/// centred so that the anchor itself is the site k = (⌊L/2⌋, …). Sites are numbered in C order,
/// axis 0 slowest, exactly as a `.npy` mask of shape [L]*d and Percolation's HypercubicLattice.
///
/// Memory: scoring and labeling take about ``bytesPerSite`` bytes a site (6 for the scores, 1
/// for the mask, 4 of union-find state, 2 of headroom), so ``maximumSites`` (2^27 ≈ 1.3·10^8
/// sites, ≈ 1.7 GiB) is the largest lattice accepted.
public struct SubspaceLattice: Sendable {
    public let anchor: [Float]          // [n]
    public let directions: [Double]     // [d, n]
    public let dimension: Int           // d
    public let side: Int                // L
    public let spacing: Double          // h
    public let siteCount: Int           // L^d
    /// h·u_a in Float, [d, n].
    let scaledDirections: [Float]

    public static let bytesPerSite = 13
    public static let maximumSites = 1 << 27

    public var inputSize: Int { anchor.count }

    /// Sites L^d for side L and dimension d, or a usage error when too large for memory.
    public static func siteCount(dimension d: Int, side L: Int) throws -> Int {
        var count = 1
        for _ in 0..<d {
            let (p, o) = count.multipliedReportingOverflow(by: L)
            guard !o, p <= maximumSites else {
                throw ModeLatticeError.usage("a \(d)-dimensional lattice of side \(L) has more than 2^27 = \(maximumSites) sites, the most that fits in memory here (about \(bytesPerSite) bytes a site); use a smaller side or fewer dimensions")
            }
            count = p
        }
        return count
    }

    public init(anchor: [Float], directions: [Double], dimension d: Int, side L: Int, spacing h: Double) throws {
        guard h > 0, h.isFinite else { throw ModeLatticeError.invalid("spacing", "must be positive (got \(h))") }
        guard L >= 2 else { throw ModeLatticeError.invalid("size", "must be at least 2 (got \(L))") }
        guard d >= 1, d <= anchor.count else {
            throw ModeLatticeError.usage("lattice dimension \(d) must be between 1 and the input dimension \(anchor.count)")
        }
        guard directions.count == d * anchor.count else {
            throw ModeLatticeError.software("directions have \(directions.count) values, expected \(d)×\(anchor.count)")
        }
        self.anchor = anchor
        self.directions = directions
        self.dimension = d
        self.side = L
        self.spacing = h
        self.siteCount = try SubspaceLattice.siteCount(dimension: d, side: L)
        self.scaledDirections = directions.map { Float($0 * h) }
    }

    /// Draws the d directions from `rng` (see ``OrthonormalDirections``).
    public init(anchor: [Float], dimension d: Int, side L: Int, spacing h: Double, rng: RandomGenerator) throws {
        guard d >= 1, d <= anchor.count else {
            throw ModeLatticeError.usage("lattice dimension \(d) must be between 1 and the input dimension \(anchor.count)")
        }
        _ = try SubspaceLattice.siteCount(dimension: d, side: L)
        let u = try OrthonormalDirections.random(count: d, dimension: anchor.count, rng: rng)
        try self.init(anchor: anchor, directions: u, dimension: d, side: L, spacing: h)
    }

    /// Centred offsets k_a − ⌊L/2⌋ of a site, axis 0 first.
    public func offsets(of site: Int) -> [Int] {
        var r = site
        var k = [Int](repeating: 0, count: dimension)
        for a in stride(from: dimension - 1, through: 0, by: -1) {
            k[a] = r % side - side / 2
            r /= side
        }
        return k
    }

    /// The site whose centred offsets are zero: the anchor.
    public var anchorSite: Int {
        var s = 0
        for _ in 0..<dimension { s = s * side + side / 2 }
        return s
    }

    /// Writes x(site) into `out` [n]: anchor + Σ_a offset_a · (h u_a), accumulated in Float.
    public func fill(site: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let n = anchor.count
        for j in 0..<n { out[j] = anchor[j] }
        var r = site
        for a in stride(from: dimension - 1, through: 0, by: -1) {
            let c = Float(r % side - side / 2)
            r /= side
            if c == 0 { continue }
            scaledDirections.withUnsafeBufferPointer { u in
                let base = a * n
                for j in 0..<n { out[j] += c * u[base + j] }
            }
        }
    }

    /// The input at one site, [n].
    public func point(site: Int) -> [Float] {
        var x = [Float](repeating: 0, count: anchor.count)
        x.withUnsafeMutableBufferPointer { fill(site: site, into: $0) }
        return x
    }

    /// Every site's predicted class and CE of `target`, in bounded-memory batches. For a NetworkCore
    /// MLP the first affine layer is applied algebraically (``AffineFront``) unless `exactInputs`.
    public func scores(evaluator: SiteEvaluator, target: Int, exactInputs: Bool = false) throws -> SiteScores {
        guard target >= 0, target < evaluator.classifier.classCount else {
            throw ModeLatticeError.usage("class \(target) is not an output of the model (it has \(evaluator.classifier.classCount) classes)")
        }
        guard evaluator.classifier.inputSize == anchor.count else {
            throw ModeLatticeError.data("the anchor has \(anchor.count) values but the model takes \(evaluator.classifier.inputSize)")
        }
        if !exactInputs, let front = AffineFront(classifier: evaluator.classifier, lattice: self) {
            return try front.scores(lattice: self, evaluator: evaluator, target: target)
        }
        let lattice = self
        return try evaluator.evaluate(count: siteCount, target: target) { site, buffer in
            lattice.fill(site: site, into: buffer)
        }
    }
}
