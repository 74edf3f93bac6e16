import Support

/// A 64-bit key of a site k ∈ Z^n of the growth lattice (k = the displacement from the anchor in
/// units of h), linear in k (Zobrist-style hashing):
///     key(k) = Σ_j k_j · r_j   (mod 2^64),   r_j = SplitMix64(j) | 1 (odd, fixed),
/// so a neighbour's key is key(k) ± r_j: O(1) a neighbour whatever n is, which is what lets the
/// growth remember every evaluated site of a 784-dimensional lattice in 8 bytes. Two distinct
/// sites share a key with probability ~2^-64 for a fixed pair, so among N remembered sites a
/// collision has probability ≈ N²/2^65 (7·10^-6 at N = 1.6·10^7, a 10^4-site cluster at n = 784);
/// a collision would make one site count as already evaluated. Keys also order sites for
/// tie-breaking, and seed the iid rule's per-site coin.
public struct SiteKeys: Sendable {
    /// r_j for j < n.
    public let axisKeys: [UInt64]

    public init(axes n: Int) {
        axisKeys = (0..<n).map { SeedSequence.mix(0x5174_6B65_795F_6C61 ^ UInt64($0)) | 1 }
    }

    /// key(k ± e_j).
    @inline(__always) public func neighbour(of key: UInt64, axis j: Int, step: Int) -> UInt64 {
        step > 0 ? key &+ axisKeys[j] : key &- axisKeys[j]
    }

    /// key of a sparse displacement.
    public func key(_ site: LatticeDisplacement) -> UInt64 {
        var h: UInt64 = 0
        for e in site.entries {
            h = h &+ UInt64(bitPattern: Int64(LatticeDisplacement.steps(e))) &* axisKeys[LatticeDisplacement.axis(e)]
        }
        return h
    }

    /// The iid rule's uniform variate of a site, u ∈ [0, 1): the top 53 bits of
    /// SplitMix64(SplitMix64(seed) ⊕ key). Open iff u < P.
    @inline(__always) public static func uniform(seed: UInt64, key: UInt64) -> Double {
        Double(SeedSequence.mix(SeedSequence.mix(seed) ^ key) >> 11) * 0x1p-53
    }
}

/// A set of 64-bit site keys by open addressing with linear probing (load ≤ 1/2, capacity a power
/// of two, slot 0 as the empty marker and the key 0 — the anchor — kept in a flag). 16 bytes or
/// less a key; inserts cost one mixed probe on average. Storage starts small and doubles.
final class SiteKeySet {
    private var slots: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var mask: Int
    private(set) var count = 0
    private var hasZero = false

    init(expected: Int = 1024) {
        var c = 16
        while c < 2 * max(1, expected) { c <<= 1 }
        capacity = c
        mask = c - 1
        slots = .allocate(capacity: c)
        slots.initialize(repeating: 0, count: c)
    }

    deinit { slots.deallocate() }

    /// Inserts `key`; true when it was not present.
    @inline(__always) func insert(_ key: UInt64) -> Bool {
        if key == 0 {
            if hasZero { return false }
            hasZero = true; count += 1; return true
        }
        if 2 * (count + 1) > capacity { grow() }
        var i = Int(truncatingIfNeeded: SeedSequence.mix(key)) & mask
        while true {
            let s = slots[i]
            if s == key { return false }
            if s == 0 { slots[i] = key; count += 1; return true }
            i = (i + 1) & mask
        }
    }

    func contains(_ key: UInt64) -> Bool {
        if key == 0 { return hasZero }
        var i = Int(truncatingIfNeeded: SeedSequence.mix(key)) & mask
        while true {
            let s = slots[i]
            if s == key { return true }
            if s == 0 { return false }
            i = (i + 1) & mask
        }
    }

    private func grow() {
        let old = slots, oldCapacity = capacity
        capacity *= 2
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        for k in 0..<oldCapacity where old[k] != 0 {
            var i = Int(truncatingIfNeeded: SeedSequence.mix(old[k])) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = old[k]
        }
        old.deallocate()
    }
}
