/// A set of ``LatticeKey``s by open addressing with linear probing (Knuth, TAOCP 6.4, Algorithm L),
/// sized once for the largest number of keys a growth can insert, so a key's slot never moves and
/// serves as the key's stable index (the invasion heap stores slots, not 16-byte keys).
///
/// Memory: 16 bytes per slot; capacity = the power of two ≥ 4/3 × the bound on keys (load ≤ 3/4).
final class SiteSet {
    /// keys[slot]; LatticeKey.empty marks a free slot. Shape [capacity].
    let keys: UnsafeMutablePointer<LatticeKey>
    let capacity: Int
    private let mask: Int
    private(set) var count = 0

    init(maximumCount: Int) {
        var c = 16
        while c < maximumCount + maximumCount / 3 + 1 { c <<= 1 }
        capacity = c
        mask = c - 1
        keys = UnsafeMutablePointer<LatticeKey>.allocate(capacity: c)
        keys.initialize(repeating: .empty, count: c)
    }

    deinit { keys.deallocate() }

    var bytes: Int { capacity * MemoryLayout<LatticeKey>.stride }

    @inline(__always) private func home(_ key: LatticeKey) -> Int {
        // Multiply-xorshift of both words; the high bits are the best mixed.
        let h = (key.lo ^ (key.hi &* 0x9E37_79B9_7F4A_7C15)) &* 0xD6E8_FEB8_6659_FD93
        return Int(truncatingIfNeeded: (h ^ (h >> 32)) & UInt64(mask))
    }

    /// Inserts `key`; returns its slot and whether it was new. Precondition: count < capacity.
    @inline(__always) func insert(_ key: LatticeKey) -> (slot: Int, inserted: Bool) {
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key { return (i, false) }
            if k == .empty {
                keys[i] = key
                count += 1
                return (i, true)
            }
            i = (i + 1) & mask
        }
    }

    @inline(__always) func contains(_ key: LatticeKey) -> Bool {
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key { return true }
            if k == .empty { return false }
            i = (i + 1) & mask
        }
    }
}
