/// Weighted union-find (Newman & Ziff, PRE 64, 016706, 2001, §II.C) in ONE array of integer words,
/// knowing nothing of lattices: element i's word is
///
///     root:      ~((size − 1) | flags << shift)     (negative; equals −size when flags = 0)
///     non-root:  parent | potential << shift        (non-negative)
///     absent:    Word.min                           (an unoccupied site)
///
/// where `shift` = ⌈log2 count⌉ bits hold an index or a size − 1. The spare high bits carry, at a
/// root, a few flag bits OR-ed on union (here: which open faces the cluster touches), and at a
/// non-root, the element's potential relative to its parent in an abelian group `G` (here: the
/// winding vector of Machta et al., PRE 51, 1995, used for wrapping detection on a torus). Find
/// composes potentials along the path and compresses the path fully (two passes), so every node
/// visited ends up pointing at the root with its potential relative to the root. Union attaches the
/// smaller tree under the larger root. With `Word = Int32` this is 4 bytes per element.
///
/// Shifts by `shift` (always < 64) are masking shifts (`&<<`, `&>>`): the same values, without the
/// over-shift branches of `<<` / `>>` on a run-time count in the sweep's innermost loop.
@usableFromInline
struct UnionFind<Word: FixedWidthInteger & SignedInteger, G: PotentialGroup> {
    /// Shape [count]: the words described above.
    @usableFromInline let words: UnsafeMutablePointer<Word>
    @usableFromInline let count: Int
    @usableFromInline let shift: Int
    @usableFromInline let indexMask: Int
    @usableFromInline let group: G

    @inline(__always) @usableFromInline static var absent: Word { Word.min }

    /// Bits needed for an index or size − 1 of `count` elements.
    static func indexBits(count: Int) -> Int {
        var bits = 1
        while (1 << bits) < count { bits += 1 }
        return bits
    }

    /// Spare bits above the index field that stay clear of the sign bit and of `absent`.
    static func spareBits(count: Int) -> Int { Word.bitWidth - 2 - indexBits(count: count) }

    /// `storage` must hold `count` words; all elements start absent.
    @usableFromInline init(storage: UnsafeMutablePointer<Word>, count: Int, group: G) {
        self.words = storage
        self.count = count
        self.shift = UnionFind.indexBits(count: count)
        self.indexMask = (1 << shift) - 1
        self.group = group
        storage.initialize(repeating: UnionFind.absent, count: count)
    }

    @inline(__always) @usableFromInline func isPresent(_ i: Int) -> Bool { words[i] != UnionFind.absent }

    /// Makes i a singleton root with the given flags.
    @inline(__always) @usableFromInline func makeRoot(_ i: Int, flags: Int) {
        words[i] = ~Word(truncatingIfNeeded: flags &<< shift)
    }

    @inline(__always) @usableFromInline func rootWord(size: Int, flags: Int) -> Word {
        ~Word(truncatingIfNeeded: (size &- 1) | (flags &<< shift))
    }

    @inline(__always) @usableFromInline func size(ofRootWord w: Word) -> Int {
        (Int(truncatingIfNeeded: ~w) & indexMask) &+ 1
    }

    @inline(__always) @usableFromInline func flags(ofRootWord w: Word) -> Int {
        Int(truncatingIfNeeded: ~w) &>> shift
    }

    @inline(__always) @usableFromInline func parent(ofWord w: Word) -> Int {
        Int(truncatingIfNeeded: w) & indexMask
    }

    @inline(__always) @usableFromInline func potential(ofWord w: Word) -> UInt64 {
        G.isTrivial ? 0 : UInt64(truncatingIfNeeded: Int(truncatingIfNeeded: w) &>> shift)
    }

    @inline(__always) @usableFromInline func childWord(parent: Int, potential: UInt64) -> Word {
        G.isTrivial ? Word(truncatingIfNeeded: parent)
            : Word(truncatingIfNeeded: parent | Int(truncatingIfNeeded: potential &<< UInt64(shift)))
    }

    /// Root of present element i and i's potential relative to it; compresses the path.
    @inline(__always) @usableFromInline func find(_ i: Int) -> (root: Int, potential: UInt64) {
        var w = words[i]
        if w < 0 { return (i, 0) }
        // First step outside the loop (0 + p = p): most finds end at i's parent, which path
        // compression has made the root; then there is nothing to compress.
        var x = parent(ofWord: w)
        var total = potential(ofWord: w)
        w = words[x]
        if w < 0 { return (x, total) }
        repeat {
            total = group.add(total, potential(ofWord: w))
            x = parent(ofWord: w)
            w = words[x]
        } while w >= 0
        let root = x
        // Second pass: point every node on the path at the root with its potential to the root.
        x = i
        var remaining = total
        while x != root {
            let v = words[x]
            let next = parent(ofWord: v)
            if next == root { break }
            words[x] = childWord(parent: root, potential: remaining)
            remaining = group.subtract(remaining, potential(ofWord: v))
            x = next
        }
        return (root, total)
    }

    /// Root of present element i without compressing (for read-only passes after the fact).
    @usableFromInline func root(_ i: Int) -> Int {
        var x = i
        var w = words[x]
        while w >= 0 { x = parent(ofWord: w); w = words[x] }
        return x
    }

    /// Attaches root `child` (word `childWord`) under root `parent` (word `parentWord`) with
    /// potential `potential` of child relative to parent; returns the merged size.
    @inline(__always) @usableFromInline
    func attach(_ child: Int, childRootWord: Word, under parent: Int, parentRootWord: Word,
                potential: UInt64) -> Int {
        let size = size(ofRootWord: childRootWord) &+ size(ofRootWord: parentRootWord)
        let flags = flags(ofRootWord: childRootWord) | flags(ofRootWord: parentRootWord)
        words[parent] = rootWord(size: size, flags: flags)
        words[child] = childWord(parent: parent, potential: potential)
        return size
    }
}

/// The group in which union-find potentials live: `add`, `subtract`, and which axis components of
/// an element are nonzero.
@usableFromInline
protocol PotentialGroup {
    static var isTrivial: Bool { get }
    func add(_ x: UInt64, _ y: UInt64) -> UInt64
    func subtract(_ x: UInt64, _ y: UInt64) -> UInt64
    /// Bit a set when component a of x is nonzero.
    func nonzeroAxes(_ x: UInt64) -> UInt32
}

/// The trivial group: no potentials (open boundaries, or when no wrapping is tracked).
@usableFromInline
struct TrivialGroup: PotentialGroup {
    @usableFromInline init() {}
    @inline(__always) @usableFromInline static var isTrivial: Bool { true }
    @inline(__always) @usableFromInline func add(_ x: UInt64, _ y: UInt64) -> UInt64 { 0 }
    @inline(__always) @usableFromInline func subtract(_ x: UInt64, _ y: UInt64) -> UInt64 { 0 }
    @inline(__always) @usableFromInline func nonzeroAxes(_ x: UInt64) -> UInt32 { 0 }
}

/// (Z / 2^b Z)^d packed in one integer, component a in bits [a·b, (a+1)·b): winding vectors of
/// Machta's displacement-to-root method stored modulo 2^b. Lane-wise add and subtract without
/// carries between lanes (SWAR, Hacker's Delight §2-18): with H the lanes' top bits,
///   x + y = ((x & ~H) + (y & ~H)) ^ ((x ^ y) & H),   x − y = ((x | H) − (y & ~H)) ^ ((x ^ ~y) & H).
@usableFromInline
struct WindingGroup: PotentialGroup {
    @usableFromInline let dimension: Int
    @usableFromInline let bits: Int
    @usableFromInline let full: UInt64
    @usableFromInline let high: UInt64

    @usableFromInline init(dimension: Int, bits: Int) {
        precondition(bits >= 1 && dimension * bits <= 62)
        self.dimension = dimension
        self.bits = bits
        var full: UInt64 = 0
        var high: UInt64 = 0
        for a in 0..<dimension {
            full |= ((1 << UInt64(bits)) - 1) << UInt64(a * bits)
            high |= (1 << UInt64(bits - 1)) << UInt64(a * bits)
        }
        self.full = full
        self.high = high
    }

    @inline(__always) @usableFromInline static var isTrivial: Bool { false }

    @inline(__always) @usableFromInline func add(_ x: UInt64, _ y: UInt64) -> UInt64 {
        (((x & ~high) &+ (y & ~high)) ^ ((x ^ y) & high)) & full
    }

    @inline(__always) @usableFromInline func subtract(_ x: UInt64, _ y: UInt64) -> UInt64 {
        (((x | high) &- (y & ~high)) ^ ((x ^ ~y) & high)) & full
    }

    /// +1 along axis a.
    @usableFromInline func unit(axis: Int) -> UInt64 { 1 << UInt64(axis * bits) }

    /// −1 along axis a (2^b − 1 in lane a).
    @usableFromInline func negativeUnit(axis: Int) -> UInt64 { ((1 << UInt64(bits)) - 1) << UInt64(axis * bits) }

    @inline(__always) @usableFromInline func nonzeroAxes(_ x: UInt64) -> UInt32 {
        let lanes = (((x & ~high) &+ (~high & full)) | x) & high
        var mask: UInt32 = 0
        for a in 0..<dimension where lanes & (1 << UInt64(a * bits + bits - 1)) != 0 { mask |= 1 << UInt32(a) }
        return mask
    }
}
