/// A site of Z^d named by a 128-bit key, with no stored lattice (Grassberger 2003; Mertens & Moore
/// 2018, Sec. II: "hashed coordinates").
///
/// Two encodings, both *linear* in the coordinates, so the neighbour of a key along axis i is the
/// key plus or minus a fixed step — one or two word additions per neighbour:
/// - **packed** (d ≤ 16, exact): coordinate x_i + 2^(b−1) stored in a b-bit field of one of the two
///   64-bit words, b = the largest width ≤ 32 with 2·⌊64/b⌋ ≥ d (d = 13 → b = 9, range ±255).
///   Fields never straddle words. A step that would leave [1, 2^b − 1] on any axis is reported as
///   an overflow (the growth stops with an error rather than alias two sites), so the all-zero key
///   never names a site and serves as the empty marker of ``SiteSet``.
/// - **hashed** (d > 16): key = C + Σ_i x_i·(a_i, b_i) mod 2^64 in each word, with fixed random
///   odd constants (a_i, b_i). Two distinct sites share a key with probability 2^−128 per pair
///   (≈ 10^−24 for a run that touches 10^8 sites): not exact, and said so.
public struct LatticeKey: Hashable, Sendable {
    public var lo: UInt64
    public var hi: UInt64

    @inline(__always) public init(lo: UInt64, hi: UInt64) {
        self.lo = lo
        self.hi = hi
    }

    public static let empty = LatticeKey(lo: 0, hi: 0)
}

/// The geometry of Z^d as seen through ``LatticeKey``: the origin's key and the step along each
/// axis. Immutable and shared by all runs of a dimension.
public struct KeyGeometry: Sendable {
    public let dimension: Int
    /// Field width in bits (packed encoding), or 0 for the hashed encoding.
    public let fieldBits: Int
    public let origin: LatticeKey
    /// stepLo[i], stepHi[i]: key increment for +1 along axis i. Shape [dimension].
    let stepLo: [UInt64]
    let stepHi: [UInt64]
    /// Packed encoding: word (0 = lo, 1 = hi) and bit shift of axis i's field. Shape [dimension].
    let word: [UInt8]
    let shift: [UInt8]
    let fieldMax: UInt64

    public var isExact: Bool { fieldBits > 0 }

    /// Largest dimension with an exact (packed) encoding.
    public static let maxPackedDimension = 16

    public init(dimension d: Int) {
        dimension = d
        if d <= KeyGeometry.maxPackedDimension {
            var b = 32
            while 2 * (64 / b) < d { b -= 1 }
            let perWord = 64 / b
            fieldBits = b
            fieldMax = (UInt64(1) << UInt64(b)) - 1
            var lo: [UInt64] = [], hi: [UInt64] = [], w: [UInt8] = [], s: [UInt8] = []
            var origin = LatticeKey(lo: 0, hi: 0)
            for i in 0..<d {
                let inHi = i >= perWord
                let sh = UInt64((inHi ? i - perWord : i) * b)
                let one = UInt64(1) << sh
                let mid = (UInt64(1) << UInt64(b - 1)) << sh
                if inHi { origin.hi |= mid; lo.append(0); hi.append(one) } else { origin.lo |= mid; lo.append(one); hi.append(0) }
                w.append(inHi ? 1 : 0)
                s.append(UInt8(sh))
            }
            self.origin = origin
            stepLo = lo; stepHi = hi; word = w; shift = s
        } else {
            fieldBits = 0
            fieldMax = 0
            // Fixed constants from SplitMix64 (deterministic; they are part of the encoding, not of
            // the simulation's randomness).
            var lo: [UInt64] = [], hi: [UInt64] = []
            for i in 0..<d {
                lo.append(SplitMix.value(UInt64(2 * i + 1)) | 1)
                hi.append(SplitMix.value(UInt64(2 * i + 2)) | 1)
            }
            origin = LatticeKey(lo: SplitMix.value(0x5EED), hi: SplitMix.value(0xC0DE) | 1)
            stepLo = lo; stepHi = hi; word = []; shift = []
        }
    }

    /// The neighbour of `key` one step along `axis` (0..<d) in direction `up`, or nil when the
    /// packed encoding would overflow (|x_axis| beyond its field).
    @inline(__always)
    public func neighbour(_ key: LatticeKey, axis: Int, up: Bool) -> LatticeKey? {
        if fieldBits > 0 {
            let field = ((word[axis] == 0 ? key.lo : key.hi) >> UInt64(shift[axis])) & fieldMax
            if up ? field >= fieldMax : field <= 1 { return nil }
        }
        if up { return LatticeKey(lo: key.lo &+ stepLo[axis], hi: key.hi &+ stepHi[axis]) }
        return LatticeKey(lo: key.lo &- stepLo[axis], hi: key.hi &- stepHi[axis])
    }

    /// Coordinates of a packed key (for tests and diagnostics); nil for the hashed encoding.
    public func coordinates(_ key: LatticeKey) -> [Int]? {
        guard fieldBits > 0 else { return nil }
        let half = Int(1) << (fieldBits - 1)
        return (0..<dimension).map { i in
            Int(((word[i] == 0 ? key.lo : key.hi) >> UInt64(shift[i])) & fieldMax) - half
        }
    }
}

/// SplitMix64 output for a counter: fixed mixing constants, not a random source.
enum SplitMix {
    @inline(__always) static func value(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
