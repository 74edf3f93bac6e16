/// Deterministic derivation of independent seeds from one root seed.
///
/// Every unit of work (a trial, a network, a pair) gets `derive(root, stream, index)`, a SplitMix64
/// hash (Steele, Lea & Flood 2014) of the root seed, a stream tag naming the experiment part and the
/// unit's index. The seed depends only on these values, never on which thread or rank runs the unit,
/// so results are the same at any thread count.
public enum SeedSequence {
    /// SplitMix64's finalizer: a bijection on UInt64 with good avalanche.
    @inline(__always) public static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0 &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a hash of a stream tag, so that streams can be named ("sweep", "init", …).
    public static func tag(_ name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The seed of unit `index` of stream `stream` under `root`. The result is folded to 32 bits
    /// because several GSL algorithms (MT19937 among them) use only the low 32 bits of a seed.
    public static func derive(_ root: UInt64, stream: String, index: Int) -> UInt64 {
        let a = mix(root ^ tag(stream))
        let b = mix(a ^ UInt64(truncatingIfNeeded: index))
        return (b ^ (b >> 32)) & 0xFFFF_FFFF
    }
}
