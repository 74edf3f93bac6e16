import Foundation
import Support

/// What to estimate and how hard to try.
public struct ThresholdSettings: Sendable {
    public var dimension: Int
    public var kind: ThresholdKind
    public var seed: UInt64
    public var threads: Int
    public var algorithm: String
    /// Wall-clock seconds for the main runs; used when `samples` is nil. The number of runs this
    /// yields depends on the machine's speed (each run itself is deterministic).
    public var budget: Double
    /// Exact number of independent growths (deterministic results at any speed and thread count).
    public var samples: Int?
    /// Invaded elements per growth (nil: ``ThresholdEstimator/defaultSize(dimension:kind:budget:)``).
    public var size: Int?

    public init(dimension: Int, kind: ThresholdKind, seed: UInt64, threads: Int = 1,
                algorithm: String = RandomGenerator.defaultAlgorithm, budget: Double = ThresholdEstimator.defaultBudget,
                samples: Int? = nil, size: Int? = nil) {
        self.dimension = dimension
        self.kind = kind
        self.seed = seed
        self.threads = threads
        self.algorithm = algorithm
        self.budget = budget
        self.samples = samples
        self.size = size
    }
}

/// A threshold estimate with its honest error bar and how it was obtained.
public struct ThresholdEstimate: Sendable {
    public var dimension: Int
    public var kind: ThresholdKind
    public var method: String
    /// Extrapolated p_c.
    public var estimate: Double
    /// Total error: statistical error combined with the remaining-bias estimate.
    public var stderr: Double
    /// Standard error of the mean over independent growths.
    public var statisticalError: Double
    /// Estimate of the finite-size bias left after extrapolation.
    public var biasError: Double
    /// Mean acceptance ratio p(N) at the largest N, before extrapolation.
    public var largestSizeEstimate: Double
    /// Pooled acceptance ratio ΣN/ΣM at the largest N.
    public var acceptanceRatio: Double
    /// Independent growths used.
    public var samples: Int
    /// Invaded elements per growth.
    public var size: Int
    /// Sites (bonds) examined, summed over growths.
    public var examined: Int
    public var seconds: Double
    /// Growths redone without heap cutoff (see ``InvasionGrowth``).
    public var regrown: Int
    /// Largest memory held by one growth, bytes.
    public var peakBytesPerRun: Int
    /// Mean acceptance ratio p(n) with its standard error at each checkpoint n (ascending).
    public var profile: [(n: Int, p: Double, se: Double)]
    /// True when stopped early (SIGINT) — the estimate is from the growths finished by then.
    public var interrupted: Bool
}

/// Percolation threshold of Z^d from invasion-percolation growths (Mertens & Moore, PRE 98,
/// 022120 (2018)), no stored lattice.
///
/// 1. Pilot: 4 small growths give a rough p_c, used only to set the heap cutoff and the size N.
/// 2. Main: independent growths of N invaded elements, each seeded by
///    `SeedSequence.derive(seed, stream: "threshold-<d>-<kind>", index: r)`; each records the
///    acceptance ratio p(n) = n/M(n) (invaded over examined) at n = N/64, N/16, N/4 and N.
/// 3. p(n) = p_c − a·n^(−ω) + …, ω = 1/(ν d_f) (``FiniteSizeScaling``). Per growth,
///    x = (r·p(N) − p(N/16))/(r − 1), r = 16^ω, cancels the leading term; the estimate is the mean
///    of x, its statistical error the standard error of that mean over growths (growths are iid, so
///    the correlation of p(N/16) and p(N) within a growth is accounted for).
/// 4. Remaining bias: y = the same extrapolation from (N/64, N/4), a window 4 times smaller. If the
///    next correction falls like n^(−2ω), x keeps (y − x)/(4^(2ω) − 1) of it. We take
///    max(|mean(y − x)|, 2·se(y − x)) / (4^(2ω) − 1) — so a difference not resolved by the data
///    still costs its noise — and add it in quadrature to the statistical error.
public enum ThresholdEstimator {
    public static let defaultBudget: Double = 30

    /// Invaded elements per growth, a deterministic function of (d, kind, budget, pilot estimate),
    /// never of measured speed: the largest power of two whose growth examines about
    /// budget × 1.5·10^5 elements (≈ 4.5·10^6 at the default 30 s, so a budget holds dozens of
    /// growths), with the site set capped at 2^24 slots (256 MB per thread).
    public static func defaultSize(dimension d: Int, kind: ThresholdKind, budget: Double, roughThreshold p: Double) -> Int {
        let examinedPerRun = max(budget, 1) * 1.5e5
        let setCap = 1 << 24
        var n = 1 << 12
        while true {
            let next = 2 * n
            if Double(next) / p > examinedPerRun { break }
            if kind == .site && (next * (2 * d - 1) + 2 * d + 1) * 4 / 3 + 1 > setCap { break }
            if next > InvasionGrowth.maximumTarget(dimension: d, kind: kind) { break }
            n = next
        }
        return n
    }

    public static func estimate(_ s: ThresholdSettings, shouldStop: @escaping @Sendable () -> Bool = { false },
                                progress: (@Sendable (Int) -> Void)? = nil) throws -> ThresholdEstimate {
        let started = Date()
        let d = s.dimension
        guard d >= 2, d <= 64 else { throw ModeLatticeError.usage("dimension must be in 2...64 (got \(d))") }
        if let n = s.size, n < 1024 || n > InvasionGrowth.maximumTarget(dimension: d, kind: s.kind) {
            throw ModeLatticeError.usage("growth size must be in 1024...\(InvasionGrowth.maximumTarget(dimension: d, kind: s.kind)) for d = \(d) (got \(n))")
        }
        let geometry = KeyGeometry(dimension: d)
        let omega = FiniteSizeScaling.omega(dimension: d)
        let stream = "threshold-\(d)-\(s.kind.rawValue)"

        // 1. Pilot: acceptance ratio, extrapolated, from 4 small growths.
        let pilotN = min(s.size ?? (1 << 14), 1 << 14)
        let pilotCheckpoints = [pilotN / 4, pilotN]
        let pilot = try ParallelMap.map(count: 4, threads: s.threads) { i in
            try growth(geometry, s, checkpoints: pilotCheckpoints, cutoff: .max,
                       seed: SeedSequence.derive(s.seed, stream: stream + "-pilot", index: i))
        }
        var t0 = 0.0
        for run in pilot {
            let a = run.checkpoints[0], b = run.checkpoints[1]
            t0 += FiniteSizeScaling.extrapolate(Double(a.accepted) / Double(a.examined), at: a.accepted,
                                                Double(b.accepted) / Double(b.examined), at: b.accepted, omega: omega)
        }
        t0 = min(max(t0 / Double(pilot.count), 1e-6), 1 - 1e-6)
        let t = t0
        let n = s.size ?? defaultSize(dimension: d, kind: s.kind, budget: s.budget, roughThreshold: t)
        // Elements heavier than this never reach the heap (exactness kept by regrowing, see
        // InvasionGrowth); the margin leaves the early transient, whose invaded weights exceed p_c,
        // room, so regrowth is rare (a few per cent of growths at most).
        let cutoffValue = min(1.0, t + min(2 * t + 0.05, 0.2))
        let cutoff: UInt32 = cutoffValue >= 1 ? .max : UInt32(cutoffValue * 4294967296.0)

        // 2. Main growths, in batches until the budget is used (or exactly `samples`).
        let checkpoints = [n >> 6, n >> 4, n >> 2, n]
        let batchSize = max(2, 2 * s.threads)
        var runs: [InvasionRun] = []
        var interrupted = false
        let mainStart = Date()
        var lastBatch = 0.0
        while true {
            if let total = s.samples {
                if runs.count >= total { break }
            } else if runs.count >= 2 {
                let elapsed = Date().timeIntervalSince(mainStart)
                if elapsed + 0.5 * lastBatch >= s.budget { break }
            }
            if shouldStop() { interrupted = true; break }
            let count = s.samples.map { min(batchSize, $0 - runs.count) } ?? batchSize
            let first = runs.count
            let t1 = Date()
            let batch = try ParallelMap.map(count: count, threads: s.threads) { i in
                try growth(geometry, s, checkpoints: checkpoints, cutoff: cutoff,
                           seed: SeedSequence.derive(s.seed, stream: stream, index: first + i))
            }
            lastBatch = Date().timeIntervalSince(t1)
            runs += batch
            progress?(runs.count)
        }
        guard !runs.isEmpty else {
            throw ModeLatticeError.software("stopped before any growth finished; no estimate")
        }

        // 3.–4. Per-growth extrapolations, their mean and spread.
        func p(_ c: GrowthCheckpoint) -> Double { Double(c.accepted) / Double(c.examined) }
        var x: [Double] = [], dxy: [Double] = [], top: [Double] = []
        var accepted = 0, examined = 0
        for run in runs {
            let c = run.checkpoints
            let xr = FiniteSizeScaling.extrapolate(p(c[1]), at: c[1].accepted, p(c[3]), at: c[3].accepted, omega: omega)
            let yr = FiniteSizeScaling.extrapolate(p(c[0]), at: c[0].accepted, p(c[2]), at: c[2].accepted, omega: omega)
            x.append(xr)
            dxy.append(yr - xr)
            top.append(p(c[3]))
            accepted += c[3].accepted
            examined += c[3].examined
        }
        let (mx, sx) = meanAndError(x)
        let (md, sd) = meanAndError(dxy)
        let (mtop, _) = meanAndError(top)
        var profile: [(n: Int, p: Double, se: Double)] = []
        for j in 0..<checkpoints.count {
            let (mp, sp) = meanAndError(runs.map { p($0.checkpoints[j]) })
            profile.append((checkpoints[j], mp, sp))
        }
        let bias = max(abs(md), 2 * sd) / (Foundation.pow(4, 2 * omega) - 1)
        let total = (sx * sx + bias * bias).squareRoot()
        return ThresholdEstimate(
            dimension: d, kind: s.kind, method: "growth", estimate: mx, stderr: total,
            statisticalError: sx, biasError: bias, largestSizeEstimate: mtop,
            acceptanceRatio: Double(accepted) / Double(examined), samples: runs.count, size: n,
            examined: examined, seconds: Date().timeIntervalSince(started),
            regrown: runs.filter(\.regrown).count, peakBytesPerRun: runs.map(\.peakBytes).max() ?? 0,
            profile: profile, interrupted: interrupted)
    }

    private static func growth(_ geometry: KeyGeometry, _ s: ThresholdSettings, checkpoints: [Int],
                               cutoff: UInt32, seed: UInt64) throws -> InvasionRun {
        do {
            return try InvasionGrowth.grow(geometry: geometry, kind: s.kind, checkpoints: checkpoints,
                                           cutoff: cutoff, seed: seed, algorithm: s.algorithm)
        } catch is InvasionGrowth.Overflow {
            throw ModeLatticeError.software(
                "a cluster left the \(geometry.fieldBits)-bit coordinate range in d = \(s.dimension); use a smaller growth size")
        }
    }

    /// Mean and standard error of the mean (infinite with fewer than 2 values).
    static func meanAndError(_ v: [Double]) -> (Double, Double) {
        let n = Double(v.count)
        let m = v.reduce(0, +) / n
        guard v.count > 1 else { return (m, .infinity) }
        let ss = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (m, (ss / (n - 1) / n).squareRoot())
    }
}
