/// A site of the axis-aligned lattice anchor + h·Z^n stored sparsely: its displacement from the
/// anchor in lattice units, as the sorted list of its nonzero coordinates. Each entry packs the
/// axis (high 16 bits) and the signed step count (low 16 bits) into one Int32, so a site a few
/// steps from the anchor costs a few words however large n is (n ≤ 65536, |k_j| ≤ 32767).
public struct LatticeDisplacement: Hashable, Sendable {
    /// Sorted by axis; no zero steps.
    public private(set) var entries: [Int32]

    public init() { entries = [] }

    public static let maximumAxes = 1 << 16
    public static let maximumSteps = Int(Int16.max)

    public static func axis(_ e: Int32) -> Int { Int(UInt32(bitPattern: e) >> 16) }
    public static func steps(_ e: Int32) -> Int { Int(Int16(truncatingIfNeeded: e)) }
    static func pack(axis: Int, steps: Int) -> Int32 {
        Int32(bitPattern: UInt32(axis) << 16 | UInt32(UInt16(bitPattern: Int16(steps))))
    }

    /// Steps along `axis` (0 when absent).
    public func steps(along axis: Int) -> Int {
        for e in entries where LatticeDisplacement.axis(e) == axis { return LatticeDisplacement.steps(e) }
        return 0
    }

    /// This site moved by `delta` (±1) along `axis`; nil when the step count would overflow.
    public func moved(axis: Int, by delta: Int) -> LatticeDisplacement? {
        var copy = self
        if let i = entries.firstIndex(where: { LatticeDisplacement.axis($0) >= axis }),
           LatticeDisplacement.axis(entries[i]) == axis {
            let v = LatticeDisplacement.steps(entries[i]) + delta
            guard abs(v) <= LatticeDisplacement.maximumSteps else { return nil }
            if v == 0 { copy.entries.remove(at: i) } else { copy.entries[i] = LatticeDisplacement.pack(axis: axis, steps: v) }
        } else {
            let i = entries.firstIndex(where: { LatticeDisplacement.axis($0) > axis }) ?? entries.count
            copy.entries.insert(LatticeDisplacement.pack(axis: axis, steps: delta), at: i)
        }
        return copy
    }

    /// L1 norm: the lattice distance from the anchor.
    public var latticeDistance: Int { entries.reduce(0) { $0 + abs(LatticeDisplacement.steps($1)) } }

    /// Whether two sites are nearest neighbours (L1 distance exactly 1).
    public func isNeighbour(of other: LatticeDisplacement) -> Bool {
        var i = 0, j = 0, distance = 0
        while i < entries.count || j < other.entries.count {
            let ai = i < entries.count ? LatticeDisplacement.axis(entries[i]) : Int.max
            let aj = j < other.entries.count ? LatticeDisplacement.axis(other.entries[j]) : Int.max
            if ai == aj {
                distance += abs(LatticeDisplacement.steps(entries[i]) - LatticeDisplacement.steps(other.entries[j])); i += 1; j += 1
            } else if ai < aj {
                distance += abs(LatticeDisplacement.steps(entries[i])); i += 1
            } else {
                distance += abs(LatticeDisplacement.steps(other.entries[j])); j += 1
            }
        }
        return distance == 1
    }
}

extension LatticeDisplacement {
    /// Writes the input at this site of anchor + h·Z^n, a_j + h·k_j (in Double, rounded once to
    /// Float; a_j itself where k_j = 0), into `out` [n]: the one formula every full-lattice growth
    /// and scorer uses, so their inputs agree bit for bit.
    public func fill(anchor: UnsafeBufferPointer<Float>, spacing: Double, into out: UnsafeMutablePointer<Float>) {
        for j in 0..<anchor.count { out[j] = anchor[j] }
        for e in entries {
            let j = LatticeDisplacement.axis(e)
            out[j] = Float(Double(anchor[j]) + spacing * Double(LatticeDisplacement.steps(e)))
        }
    }
}
