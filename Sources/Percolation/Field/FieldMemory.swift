import Foundation
import Support

/// Memory needed by ``FieldPercolation`` before anything is allocated, so that an FFT lattice too
/// large for the machine is a usage error that says what would fit, not a crash.
///
/// Bytes: 8 per site shared (the amplitudes √(S/N)), and per trial in flight 16 (the complex
/// field) + 8 (its real part) + 8 (the quickselect copy) + 1 (the mask) + 8 (union-find words, at
/// most) = 41 per site. The spectrum's setup peak, 24 per site, is below one trial's share.
public enum FieldMemory {
    public static let sharedBytesPerSite = GaussianRandomField.sharedBytesPerSite
    public static let bytesPerSitePerTrial = 41
    /// The default limit: this share of physical memory.
    public static let physicalShare = 0.75

    public static func requiredBytes(sites: Int, concurrentTrials: Int) -> Double {
        Double(sites) * Double(sharedBytesPerSite + bytesPerSitePerTrial * max(concurrentTrials, 1))
    }

    /// 75 % of physical memory.
    public static var defaultLimit: Double { Double(ProcessInfo.processInfo.physicalMemory) * physicalShare }

    /// The largest side L with L^d sites that fits in `limit` bytes (and in 2^31 − 1 sites).
    public static func largestSide(dimension d: Int, concurrentTrials: Int, limit: Double) -> Int {
        let sites = min(limit / Double(sharedBytesPerSite + bytesPerSitePerTrial * max(concurrentTrials, 1)),
                        Double(HypercubicLattice.maximumSites))
        var side = Int(pow(sites, 1 / Double(d)))
        while side > 0 && pow(Double(side), Double(d)) > sites { side -= 1 }
        while pow(Double(side + 1), Double(d)) <= sites { side += 1 }
        return side
    }

    /// Throws a usage error naming the bytes needed and the largest side that fits, when `lattice`
    /// with `concurrentTrials` trials in flight needs more than `limit` bytes.
    public static func check(lattice: HypercubicLattice, concurrentTrials: Int, limit given: Double? = nil) throws {
        let limit = given ?? defaultLimit
        let need = requiredBytes(sites: lattice.siteCount, concurrentTrials: concurrentTrials)
        guard need > limit else { return }
        let d = lattice.dimension, t = max(concurrentTrials, 1)
        let fits = largestSide(dimension: d, concurrentTrials: t, limit: limit)
        let single = t > 1 ? " (\(largestSide(dimension: d, concurrentTrials: 1, limit: limit)) with one trial at a time)" : ""
        let gigabytes = { (bytes: Double) in String(format: "%.1f GB", bytes / 1e9) }
        let source = given == nil ? String(format: " (%.0f%% of physical memory)", physicalShare * 100) : ""
        throw ModeLatticeError.usage(
            "a \(d)-dimensional field of side \(lattice.side) needs \(gigabytes(need)) (\(sharedBytesPerSite) bytes per site "
            + "plus \(bytesPerSitePerTrial) per site for each of \(t) trials in flight), more than the \(gigabytes(limit)) limit"
            + "\(source); the largest side that fits at d = \(d) is \(fits)\(single)")
    }
}
