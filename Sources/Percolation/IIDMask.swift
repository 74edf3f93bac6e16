import Support

/// An iid site mask: each site occupied with probability p, independently, drawn in C order from
/// one GSL generator (uniform < p). Shape [N].
public enum IIDMask {
    public static func generate(lattice: HypercubicLattice, p: Double, rng: RandomGenerator) throws -> [UInt8] {
        guard p >= 0 && p <= 1 else { throw ModeLatticeError.invalid("p", "must lie in [0, 1] (got \(p))") }
        return [UInt8](unsafeUninitializedCapacity: lattice.siteCount) { buffer, count in
            for i in 0..<lattice.siteCount { buffer[i] = rng.uniform() < p ? 1 : 0 }
            count = lattice.siteCount
        }
    }
}
