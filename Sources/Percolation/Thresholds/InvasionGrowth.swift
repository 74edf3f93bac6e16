@preconcurrency import CGSL
import Support

/// Site or bond percolation.
public enum ThresholdKind: String, Sendable, CaseIterable, Codable {
    case site, bond
}

/// Counts of one invasion-percolation cluster at the moment it had `accepted` invaded elements.
public struct GrowthCheckpoint: Sendable, Equatable {
    /// Invaded sites (site percolation, origin excluded) or invaded bonds (bond percolation).
    public var accepted: Int
    /// Distinct sites (or bonds) whose weight was drawn: the invaded ones plus the perimeter.
    public var examined: Int
}

/// One invasion-percolation growth from the origin of Z^d: its checkpoints (ascending `accepted`)
/// and whether it had to be regrown without the heap cutoff.
public struct InvasionRun: Sendable, Equatable {
    public var checkpoints: [GrowthCheckpoint]
    public var regrown: Bool
    /// Bytes held by the site set and the heap at the end (the run's memory high-water mark).
    public var peakBytes: Int
}

/// Invasion percolation on Z^d without a stored lattice (Wilkinson & Willemsen 1983; used for
/// thresholds by Mertens & Moore, PRE 98, 022120 (2018)).
///
/// Every site (bond) gets an iid uniform weight the first time it is *examined*, i.e. first touches
/// the cluster; the cluster then always invades the perimeter element of smallest weight. The
/// invaded weights concentrate at p_c, and the fraction of examined elements that are invaded,
/// N/M, tends to p_c from below with a bias ~ N^(−1/(ν d_f)).
///
/// Weights are 32-bit integers drawn from a GSL generator in examination order, so the growth is a
/// deterministic function of the seed. Heap elements are weight << 32 | payload (payload = the
/// site's slot in ``SiteSet``, or slot·2d + direction for a bond).
///
/// - **Heap cutoff.** Elements heavier than `cutoff` go into the site set (they were examined) but
///   not into the heap. The heap's minimum is then still the global minimum unless the heap runs
///   empty; if it does, the growth is redone from the start with no cutoff — same seed, same
///   weights, same order — so the result is exactly that of plain invasion percolation.
enum InvasionGrowth {
    struct Overflow: Error {}
    struct NeedsFullHeap: Error {}

    /// Grows one cluster until `checkpoints.last` elements are invaded.
    /// - Parameters:
    ///   - checkpoints: ascending counts of invaded elements at which to record.
    ///   - cutoff: largest weight kept in the heap (UInt32.max: no cutoff).
    static func grow(geometry: KeyGeometry, kind: ThresholdKind, checkpoints: [Int],
                     cutoff: UInt32, seed: UInt64, algorithm: String) throws -> InvasionRun {
        do {
            return try growOnce(geometry: geometry, kind: kind, checkpoints: checkpoints,
                                cutoff: cutoff, seed: seed, algorithm: algorithm, regrown: false)
        } catch is NeedsFullHeap {
            return try growOnce(geometry: geometry, kind: kind, checkpoints: checkpoints,
                                cutoff: .max, seed: seed, algorithm: algorithm, regrown: true)
        }
    }

    /// Largest number of invaded elements a growth may target in dimension d (32-bit payloads and
    /// a 2^32-slot site set).
    static func maximumTarget(dimension d: Int, kind: ThresholdKind) -> Int {
        switch kind {
        case .site: return (1 << 31) / (2 * d)
        case .bond: return (1 << 31) / (4 * d)
        }
    }

    private static func growOnce(geometry: KeyGeometry, kind: ThresholdKind, checkpoints: [Int],
                                 cutoff: UInt32, seed: UInt64, algorithm: String, regrown: Bool) throws -> InvasionRun {
        let rng = try RandomGenerator(algorithm: algorithm, seed: seed)
        let raw32 = gsl_rng_min(rng.pointer) == 0 && gsl_rng_max(rng.pointer) == 0xFFFF_FFFF
        @inline(__always) func draw() -> UInt32 {
            if raw32 { return UInt32(truncatingIfNeeded: rng.next()) }
            return UInt32(min(rng.uniform() * 4294967296.0, 4294967295.0))
        }
        let d = geometry.dimension
        let target = checkpoints.last ?? 0
        var records: [GrowthCheckpoint] = []
        records.reserveCapacity(checkpoints.count)
        var nextCheckpoint = 0
        var accepted = 0, examined = 0
        switch kind {
        case .site:
            // Every invaded site examines at most 2d − 1 new sites (the origin 2d).
            let set = SiteSet(maximumCount: 1 + 2 * d + target * (2 * d - 1))
            var heap = MinHeap(reserve: 1024)
            @inline(__always) func examine(_ slot: Int) {
                let w = draw()
                examined += 1
                if w <= cutoff { heap.push(UInt64(w) << 32 | UInt64(slot)) }
            }
            @inline(__always) func invade(_ key: LatticeKey) throws {
                for axis in 0..<d {
                    for up in [false, true] {
                        guard let nb = geometry.neighbour(key, axis: axis, up: up) else { throw Overflow() }
                        let (slot, new) = set.insert(nb)
                        if new { examine(slot) }
                    }
                }
            }
            _ = set.insert(geometry.origin)
            try invade(geometry.origin)
            while accepted < target {
                guard let top = heap.popMin() else { throw NeedsFullHeap() }
                accepted += 1
                try invade(set.keys[Int(top & 0xFFFF_FFFF)])
                if accepted == checkpoints[nextCheckpoint] {
                    records.append(GrowthCheckpoint(accepted: accepted, examined: examined))
                    nextCheckpoint += 1
                }
            }
            return InvasionRun(checkpoints: records, regrown: regrown,
                               peakBytes: set.bytes + heap.items.capacity * 8)
        case .bond:
            // Cluster sites only: at most one new site per invaded bond.
            let set = SiteSet(maximumCount: target + 2)
            let directions = 2 * d
            var heap = MinHeap(reserve: 1024)
            @inline(__always) func examine(_ slot: Int, _ direction: Int) {
                let w = draw()
                examined += 1
                if w <= cutoff { heap.push(UInt64(w) << 32 | UInt64(slot * directions + direction)) }
            }
            // A site joins: examine its bonds to sites outside the cluster. A bond to a cluster
            // site was examined when that site joined (or is the bond just invaded).
            @inline(__always) func join(_ key: LatticeKey, slot: Int) throws {
                for direction in 0..<directions {
                    guard let nb = geometry.neighbour(key, axis: direction >> 1, up: direction & 1 == 1) else { throw Overflow() }
                    if !set.contains(nb) { examine(slot, direction) }
                }
            }
            let (originSlot, _) = set.insert(geometry.origin)
            try join(geometry.origin, slot: originSlot)
            while accepted < target {
                guard let top = heap.popMin() else { throw NeedsFullHeap() }
                accepted += 1
                let payload = Int(top & 0xFFFF_FFFF)
                let from = set.keys[payload / directions]
                let direction = payload % directions
                guard let to = geometry.neighbour(from, axis: direction >> 1, up: direction & 1 == 1) else { throw Overflow() }
                let (slot, new) = set.insert(to)
                if new { try join(to, slot: slot) }
                if accepted == checkpoints[nextCheckpoint] {
                    records.append(GrowthCheckpoint(accepted: accepted, examined: examined))
                    nextCheckpoint += 1
                }
            }
            return InvasionRun(checkpoints: records, regrown: regrown,
                               peakBytes: set.bytes + heap.items.capacity * 8)
        }
    }
}
