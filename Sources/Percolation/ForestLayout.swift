/// How a lattice's union-find words are laid out: 4-byte words whenever the index field plus the
/// spare bits needed fit in 30 bits (every lattice up to 2^28 sites with open boundaries; with
/// periodic ones, every lattice where each axis gets a winding lane of at least 2 bits, e.g. 2D up
/// to L = 8192 and 3D up to L = 322), 8-byte words otherwise. Open boundaries need 2 flag bits at
/// roots (faces of axis 0 touched); periodic ones need d winding lanes of b bits at non-roots.
enum ForestLayout: Equatable {
    case narrow(windingBits: Int)
    case wide(windingBits: Int)

    static func choose(_ lattice: HypercubicLattice) -> ForestLayout {
        let d = lattice.dimension
        let narrowSpare = UnionFind<Int32, TrivialGroup>.spareBits(count: lattice.siteCount)
        let wideSpare = UnionFind<Int64, TrivialGroup>.spareBits(count: lattice.siteCount)
        if lattice.isPeriodic {
            let narrowBits = min(16, narrowSpare / d)
            if narrowBits >= 2 { return .narrow(windingBits: narrowBits) }
            return .wide(windingBits: max(1, min(16, wideSpare / d)))
        }
        return narrowSpare >= 2 ? .narrow(windingBits: 0) : .wide(windingBits: 0)
    }

    /// Bytes of union-find state per site.
    var bytesPerSite: Int {
        switch self {
        case .narrow: 4
        case .wide: 8
        }
    }
}

/// Code that runs on a freshly allocated, empty ``ClusterGrowth`` of whatever layout the lattice
/// needs (a generic method, so each layout gets its own specialised copy of the hot loops).
protocol GrowthVisitor {
    associatedtype Result
    func visit<Word: FixedWidthInteger & SignedInteger, G: PotentialGroup>(
        _ growth: inout ClusterGrowth<Word, G>) throws -> Result
}

extension HypercubicLattice {
    /// Allocates the union-find state for this lattice (all sites absent) and runs `visitor` on it.
    func withClusterGrowth<V: GrowthVisitor>(_ visitor: V, layout: ForestLayout? = nil) throws -> V.Result {
        switch layout ?? ForestLayout.choose(self) {
        case .narrow(let bits): return try withClusterGrowth(visitor, word: Int32.self, windingBits: bits)
        case .wide(let bits): return try withClusterGrowth(visitor, word: Int64.self, windingBits: bits)
        }
    }

    /// The same with the word type fixed: periodic lattices carry winding potentials, open ones none.
    private func withClusterGrowth<V: GrowthVisitor, Word: FixedWidthInteger & SignedInteger>(
        _ visitor: V, word: Word.Type, windingBits bits: Int
    ) throws -> V.Result {
        let storage = UnsafeMutablePointer<Word>.allocate(capacity: siteCount)
        defer { storage.deallocate() }
        if isPeriodic {
            let group = WindingGroup(dimension: dimension, bits: bits)
            var growth = ClusterGrowth(storage: storage, geometry: LatticeSteps(lattice: self, winding: group), group: group)
            return try visitor.visit(&growth)
        }
        var growth = ClusterGrowth(storage: storage, geometry: LatticeSteps(lattice: self, winding: nil), group: TrivialGroup())
        return try visitor.visit(&growth)
    }

    /// Bytes of union-find state per site for this lattice (4, or 8 for very large lattices).
    public var unionFindBytesPerSite: Int { ForestLayout.choose(self).bytesPerSite }

    /// Bits per axis of the winding vectors kept for wrapping detection (0 with open boundaries).
    public var windingBitsPerAxis: Int {
        switch ForestLayout.choose(self) {
        case .narrow(let b), .wide(let b): b
        }
    }
}
