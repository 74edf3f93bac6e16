import Support

/// The hypercubic lattice Z^d cut to side L on every axis: L^d sites, each joined to its 2d nearest
/// neighbours (±1 along one axis), with periodic boundaries (the torus (Z/LZ)^d) or open ones
/// (sites on a face lack the neighbour across it).
///
/// Sites are numbered in C order, axis 0 slowest, exactly as the elements of a `.npy` array of
/// shape [L]*d: site(c) = Σ_a c_a · L^(d−1−a). Indices are Int32-sized (at most 2^31 − 1 sites), so
/// union-find words and order arrays take 4 bytes per entry. No neighbour table is stored: a
/// neighbour is the index ± stride_a, corrected across the boundary, where the boundary test needs
/// only `index mod (stride_a · L)` (one multiply-high with ``FastModulo``).
///
/// Bonds are numbered `site · d + axis`, the bond from `site` to its + neighbour along `axis`; with
/// open boundaries the bonds leaving the far face do not exist.
public struct HypercubicLattice: Sendable, Equatable, CustomStringConvertible {
    /// Periodic: the torus (Z/LZ)^d, every site has 2d neighbours. Open: faces have no neighbour
    /// across them.
    public enum Boundary: String, Sendable, CaseIterable, Codable {
        case periodic, open
    }

    /// Number of axes d ≥ 1.
    public let dimension: Int
    /// Sites per axis L ≥ 2.
    public let side: Int
    public let boundary: Boundary
    /// L^d ≤ 2^31 − 1.
    public let siteCount: Int
    /// stride[a] = L^(d−1−a): index distance to the neighbour along axis a. Shape [d].
    public let strides: [Int]

    /// The largest lattice ModeLattice indexes (Int32 site indices).
    public static let maximumSites = Int(Int32.max)

    /// Throws ``ModeLatticeError/usage(_:)`` for d < 1, L < 2 or more than 2^31 − 1 sites.
    public init(dimension: Int, side: Int, boundary: Boundary) throws {
        guard dimension >= 1 else {
            throw ModeLatticeError.invalid("dimension", "must be at least 1 (got \(dimension))")
        }
        guard side >= 2 else {
            throw ModeLatticeError.invalid("side", "must be at least 2 (got \(side))")
        }
        var count = 1
        for _ in 0..<dimension {
            let (product, overflow) = count.multipliedReportingOverflow(by: side)
            guard !overflow, product <= HypercubicLattice.maximumSites else {
                throw ModeLatticeError.usage(
                    "a \(dimension)-dimensional lattice of side \(side) has more than 2^31 - 1 sites; use a smaller side or dimension")
            }
            count = product
        }
        self.dimension = dimension
        self.side = side
        self.boundary = boundary
        self.siteCount = count
        var strides = [Int](repeating: 1, count: dimension)
        for a in stride(from: dimension - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * side }
        self.strides = strides
    }

    public var isPeriodic: Bool { boundary == .periodic }

    /// The array shape of a mask on this lattice: [L]*d.
    public var shape: [Int] { Array(repeating: side, count: dimension) }

    /// Number of bonds: d·L^d periodic, d·L^(d−1)·(L−1) open.
    public var bondCount: Int {
        isPeriodic ? dimension * siteCount : dimension * (siteCount / side) * (side - 1)
    }

    public var description: String { "\(dimension)D L=\(side) \(boundary.rawValue)" }

    /// Coordinates of a site, axis 0 first.
    public func coordinates(of site: Int) -> [Int] {
        (0..<dimension).map { (site / strides[$0]) % side }
    }

    /// The site at the given coordinates (each reduced mod L).
    public func site(at coordinates: [Int]) -> Int {
        var index = 0
        for a in 0..<dimension { index += (((coordinates[a] % side) + side) % side) * strides[a] }
        return index
    }

    /// Neighbour of `site` one step along `axis` in direction `step` (+1 or −1): nil when an open
    /// boundary is crossed; `wraps` tells whether a periodic boundary was crossed.
    public func neighbour(of site: Int, axis: Int, step: Int) -> (site: Int, wraps: Bool)? {
        let c = (site / strides[axis]) % side
        let target = c + step
        if target >= 0 && target < side { return (site + step * strides[axis], false) }
        guard isPeriodic else { return nil }
        return (site + (step > 0 ? 1 - side : side - 1) * strides[axis], true)
    }
}

/// Division-free `x mod d` for x, d < 2^32 (Lemire, Kaser & Kurz, "Faster remainder by direct
/// computation", Software: Practice and Experience 49, 2019): with M = ⌊(2^64 − 1)/d⌋ + 1,
/// x mod d = ⌊((M·x mod 2^64) · d) / 2^64⌋. Two multiplies instead of a 25–40-cycle division.
@usableFromInline
struct FastModulo: Sendable {
    @usableFromInline let divisor: UInt64
    @usableFromInline let magic: UInt64

    @usableFromInline init(_ divisor: Int) {
        self.divisor = UInt64(divisor)
        self.magic = UInt64.max / UInt64(divisor) &+ 1
    }

    @inline(__always) @usableFromInline func remainder(_ x: Int) -> Int {
        let low = magic &* UInt64(truncatingIfNeeded: x)
        return Int(truncatingIfNeeded: low.multipliedFullWidth(by: divisor).high)
    }

    /// ⌊x / d⌋ = ⌊M·x / 2^64⌋ for x < 2^32.
    @inline(__always) @usableFromInline func quotient(_ x: Int) -> Int {
        Int(truncatingIfNeeded: magic.multipliedFullWidth(by: UInt64(truncatingIfNeeded: x)).high)
    }
}
