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
    /// Strictly increasing checkpoint sizes n at which p(n) is recorded; the last is the growth
    /// size (nil: ``ThresholdEstimator/defaultCheckpoints(size:)``).
    public var checkpoints: [Int]?
    /// The finite-size form fitted to p(n).
    public var fit: ThresholdFitModel

    public init(dimension: Int, kind: ThresholdKind, seed: UInt64, threads: Int = 1,
                algorithm: String = RandomGenerator.defaultAlgorithm, budget: Double = ThresholdEstimator.defaultBudget,
                samples: Int? = nil, size: Int? = nil, checkpoints: [Int]? = nil, fit: ThresholdFitModel = .twoTerm) {
        self.dimension = dimension
        self.kind = kind
        self.seed = seed
        self.threads = threads
        self.algorithm = algorithm
        self.budget = budget
        self.samples = samples
        self.size = size
        self.checkpoints = checkpoints
        self.fit = fit
    }
}

/// A threshold estimate with its honest error bar and how it was obtained.
public struct ThresholdEstimate: Sendable {
    public var dimension: Int
    public var kind: ThresholdKind
    public var method: String
    /// Extrapolated p_c.
    public var estimate: Double
    /// Statistical and systematic errors combined in quadrature.
    public var stderr: Double
    /// Standard error of the estimate from the spread over independent growths (or trials).
    public var statisticalError: Double
    /// Measured spread of the estimate over alternative finite-size forms (largest |Δp_c|).
    public var systematicError: Double
    /// χ²/dof of the finite-size fit (nan where not defined).
    public var chi2PerDof: Double
    /// The fitted form and each alternative with its p_c, for the sidecar.
    public var fitNotes: [String]
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
///    acceptance ratio p(n) = n/M(n) (invaded over examined) at 8 checkpoints n = N/128, N/64, …, N.
///    Its growth-to-growth spread is far below binomial noise sqrt(p(1−p)/M) (measured: about
///    1/15 of it in d = 13), because invasion self-tunes to p_c.
/// 3. Fit p(n) = p_c + a·n^(−ω) + b·n^(−ω₂) (``ScalingExponents``: literature ω, ω₂ = 2ω) to the
///    mean over growths by generalized least squares with the covariance of the checkpoints
///    estimated from the growths (``CorrelatedFit``): checkpoints of one growth are correlated,
///    growths are independent. statistical_error is the jackknife error of p_c over growths,
///    chi2_dof the fit's χ²/dof.
/// 4. systematic_error: the largest |Δp_c| when the same data are refitted with the alternative
///    forms (other ω₂, ω moved by its literature error, logarithms in d = 6). It is measured on the
///    data, never a fixed allowance, and is added in quadrature.
///
/// The former estimator (until issue 17) extrapolated from two sizes with the leading term only
/// and added an allowance max(|Δ|, 2σ)/(4^(2ω) − 1); its rows in d ≥ 6 lay above the literature
/// (19 of 22 growth rows, mean z = +0.78, +2.5…+6.6σ against the statistical error alone), because
/// the n^(−2ω) term left in a two-point extrapolation from N/16 to N is of the size of the
/// statistical error.
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
        if let c = s.checkpoints { try validateCheckpoints(c, dimension: d, kind: s.kind) }
        let mainForm = try ScalingExponents.form(dimension: d, model: s.fit)
        let geometry = KeyGeometry(dimension: d)
        let omega = mainForm.omega
        let stream = "threshold-\(d)-\(s.kind.rawValue)"

        // 1. Pilot: acceptance ratio, extrapolated, from 4 small growths.
        let pilotN = min(s.checkpoints?.last ?? s.size ?? (1 << 14), 1 << 14)
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
        let n = s.checkpoints?.last ?? s.size ?? defaultSize(dimension: d, kind: s.kind, budget: s.budget, roughThreshold: t)
        // Elements heavier than this never reach the heap (exactness kept by regrowing, see
        // InvasionGrowth); the margin leaves the early transient, whose invaded weights exceed p_c,
        // room, so regrowth is rare (a few per cent of growths at most).
        let cutoffValue = min(1.0, t + min(2 * t + 0.05, 0.2))
        let cutoff: UInt32 = cutoffValue >= 1 ? .max : UInt32(cutoffValue * 4294967296.0)

        // 2. Main growths, in batches until the budget is used (or exactly `samples`).
        let checkpoints = s.checkpoints ?? defaultCheckpoints(size: n)
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

        // 3.–4. The fit, and the refits with the alternative forms.
        func p(_ c: GrowthCheckpoint) -> Double { Double(c.accepted) / Double(c.examined) }
        let y = runs.map { $0.checkpoints.map(p) }
        let analysis = try analyse(samples: y, sizes: checkpoints, dimension: d, main: mainForm)
        var profile: [(n: Int, p: Double, se: Double)] = []
        for j in 0..<checkpoints.count {
            let (mp, sp) = meanAndError(y.map { $0[j] })
            profile.append((checkpoints[j], mp, sp))
        }
        let accepted = runs.reduce(0) { $0 + $1.checkpoints.last!.accepted }
        let examined = runs.reduce(0) { $0 + $1.checkpoints.last!.examined }
        return ThresholdEstimate(
            dimension: d, kind: s.kind, method: "growth", estimate: analysis.estimate, stderr: analysis.stderr,
            statisticalError: analysis.statistical, systematicError: analysis.systematic,
            chi2PerDof: analysis.chi2PerDof, fitNotes: analysis.notes, largestSizeEstimate: profile.last!.p,
            acceptanceRatio: Double(accepted) / Double(examined), samples: runs.count, size: n,
            examined: examined, seconds: Date().timeIntervalSince(started),
            regrown: runs.filter(\.regrown).count, peakBytesPerRun: runs.map(\.peakBytes).max() ?? 0,
            profile: profile, interrupted: interrupted)
    }

    /// Checkpoints N/128, N/64, …, N (8 sizes, a factor 2 apart).
    public static func defaultCheckpoints(size n: Int) -> [Int] {
        (0..<8).map { n >> (7 - $0) }
    }

    /// Checkpoint lists must be strictly increasing, start at 1 or more, end within the growth
    /// limit and have at least 4 entries (3 fit parameters and 1 degree of freedom).
    public static func validateCheckpoints(_ c: [Int], dimension d: Int, kind: ThresholdKind) throws {
        guard c.count >= 4 else { throw ModeLatticeError.invalid("checkpoints", "must hold at least 4 sizes for a fit (got \(c.count))") }
        guard c[0] >= 1 else { throw ModeLatticeError.invalid("checkpoints", "must be positive (got \(c[0]))") }
        for i in 1..<c.count where c[i] <= c[i - 1] {
            throw ModeLatticeError.invalid("checkpoints", "must be strictly increasing (got \(c[i - 1]) then \(c[i]))")
        }
        let limit = InvasionGrowth.maximumTarget(dimension: d, kind: kind)
        guard c.last! <= limit else {
            throw ModeLatticeError.invalid("checkpoints", "must end at most at \(limit) for d = \(d) (got \(c.last!))")
        }
    }

    /// The fitted p_c with its statistical error, χ²/dof, and the systematic error measured as the
    /// largest |Δp_c| over refits with ``ScalingExponents/alternatives(dimension:main:)``.
    public static func analyse(samples y: [[Double]], sizes: [Int], dimension d: Int, main: ScalingForm) throws
        -> (estimate: Double, statistical: Double, systematic: Double, stderr: Double, chi2PerDof: Double, notes: [String]) {
        func fit(_ f: ScalingForm) throws -> ScalingFitResult {
            do { return try CorrelatedFit.fit(samples: y, sizes: sizes, form: f) } catch let e as CorrelatedFit.Failure {
                throw ModeLatticeError.usage("cannot fit \(f.label): \(e.description)")
            }
        }
        let m = try fit(main)
        let statistical = try CorrelatedFit.jackknifeError(samples: y, sizes: sizes, form: main)
        var notes = [String(format: "fit %@: p_c = %.10f ± %.3g (jackknife; sqrt(wCw) %.3g), chi2/dof = %.3f (%d dof)",
                            main.label, m.pc, statistical, m.pcError, m.chi2PerDof, m.dof)]
        var systematic = 0.0
        for alt in ScalingExponents.alternatives(dimension: d, main: main) {
            let a = try fit(alt)
            systematic = max(systematic, abs(a.pc - m.pc))
            notes.append(String(format: "  refit %@: p_c = %.10f (Δ = %+.3g), chi2/dof = %.3f", alt.label, a.pc, a.pc - m.pc, a.chi2PerDof))
        }
        let total = (statistical * statistical + systematic * systematic).squareRoot()
        return (m.pc, statistical, systematic, total, m.chi2PerDof, notes)
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
