import Foundation
import Testing
@testable import Percolation
import Support

/// The correlated null: the lattice FFT against a direct DFT, the spectrum, exact excursion sets,
/// `none` against iid site percolation from the Newman–Ziff sweep, `gaussian:ξ` and `power:H`
/// against their covariances, and thread-count independence.
@Suite struct FieldTests {
    /// Mean and standard error s/√T of per-trial values.
    static func meanAndError(_ values: [Double]) -> (mean: Double, se: Double) {
        let t = Double(values.count)
        let mean = values.reduce(0, +) / t
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (t - 1)
        return (mean, (variance / t).squareRoot())
    }

    // MARK: FFT

    /// The axis-by-axis GSL transform equals the d-dimensional DFT summed directly, for mixed radices.
    @Test(arguments: [(1, 7), (2, 6), (3, 5), (2, 8)])
    func latticeFFTEqualsDirectDFT(dimension: Int, side: Int) throws {
        let lattice = try HypercubicLattice(dimension: dimension, side: side, boundary: .periodic)
        let n = lattice.siteCount
        let rng = try RandomGenerator(seed: 11)
        let input = (0..<(2 * n)).map { _ in rng.gaussian() }
        var data = input
        try LatticeFourierTransform(lattice: lattice).transform(&data, .forward)
        var worst = 0.0
        for k in 0..<n {
            let kc = lattice.coordinates(of: k)
            var re = 0.0, im = 0.0
            for x in 0..<n {
                let xc = lattice.coordinates(of: x)
                let phase = -2 * Double.pi * Double(zip(kc, xc).map { $0 * $1 }.reduce(0, +)) / Double(side)
                re += input[2 * x] * cos(phase) - input[2 * x + 1] * sin(phase)
                im += input[2 * x] * sin(phase) + input[2 * x + 1] * cos(phase)
            }
            worst = max(worst, abs(re - data[2 * k]), abs(im - data[2 * k + 1]))
        }
        #expect(worst < 1e-10, "max |FFT − DFT| = \(worst)")
    }

    /// inverse(forward(x)) = x and backward = N · inverse, on a 3D lattice with a prime side.
    @Test func fftRoundTrip() throws {
        let lattice = try HypercubicLattice(dimension: 3, side: 11, boundary: .periodic)
        let rng = try RandomGenerator(seed: 3)
        let input = (0..<(2 * lattice.siteCount)).map { _ in rng.gaussian() }
        let fft = try LatticeFourierTransform(lattice: lattice)
        var data = input
        try fft.transform(&data, .forward)
        var backward = data
        try fft.transform(&data, .inverse)
        try fft.transform(&backward, .backward)
        let n = Double(lattice.siteCount)
        #expect(zip(data, input).map { abs($0 - $1) }.max()! < 1e-13)
        #expect(zip(backward, input).map { abs($0 / n - $1) }.max()! < 1e-13)
    }

    // MARK: Spectrum and excursion sets

    /// White noise: S ≡ 1, nothing clamped, realised covariance δ; a gaussian with ξ ≪ L needs no
    /// clamping and realises exp(−r²/2ξ²); a long-range power law on the torus does need some.
    @Test func spectrumOfTheCovariances() throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 32, boundary: .periodic)
        let white = try GaussianRandomField(lattice: lattice, correlation: .none)
        #expect(white.negativeModes == 0 && white.clampedShare == 0)
        #expect(white.amplitude.allSatisfy { abs($0 * $0 * 1024 - 1) < 1e-12 })
        #expect(abs(white.realisedCovariance[0] - 1) < 1e-12 && white.realisedCovariance.dropFirst().allSatisfy { abs($0) < 1e-12 })
        let smooth = try GaussianRandomField(lattice: lattice, correlation: .gaussian(xi: 2))
        #expect(smooth.clampedShare < 1e-12)
        for r in 0...8 { #expect(abs(smooth.realisedCovariance[r] - exp(-Double(r * r) / 8)) < 1e-9, "r=\(r)") }
        let long = try GaussianRandomField(lattice: lattice, correlation: .power(hurst: 0.9))
        #expect(abs(long.realisedCovariance[0] - 1) < 1e-12)
        #expect(long.clampedShare >= 0 && long.clampedShare < 0.05, "clamped \(long.clampedShare)")
    }

    /// Exactly round(p·N) sites open, the lowest values, ties broken by index.
    @Test func excursionSetHasExactCountAndBreaksTiesByIndex() throws {
        let values = [5.0, 1, 3, 3, 0, 3, 9, 3]
        #expect(try ExcursionSet.lowest(values, count: 4) == [0, 1, 1, 1, 1, 0, 0, 0])
        #expect(try ExcursionSet.lowest(values, count: 5) == [0, 1, 1, 1, 1, 1, 0, 0])
        #expect(try ExcursionSet.lowest(values, count: 0) == [UInt8](repeating: 0, count: 8))
        #expect(try ExcursionSet.lowest(values, count: 8) == [UInt8](repeating: 1, count: 8))
        #expect(try ExcursionSet.openCount(fraction: 0.5, sites: 7) == 4)        // 3.5 rounds away from zero
        #expect(try ExcursionSet.openCount(fraction: 0.3, sites: 1000) == 300)
        for p in [0.0, 1.0, -0.2, 1.5, Double.nan] {
            #expect(throws: ModeLatticeError.self) { try ExcursionSet.openCount(fraction: p, sites: 10) }
        }
        // On a generated field: the open sites are exactly the k lowest.
        let lattice = try HypercubicLattice(dimension: 2, side: 40, boundary: .periodic)
        let experiment = try FieldPercolation(lattice: lattice, correlation: .gaussian(xi: 3), openFraction: 0.37, seed: 2)
        let phi = try experiment.sample(0)
        let mask = try ExcursionSet.lowest(phi, count: experiment.openCount)
        #expect(experiment.openCount == 592)
        #expect(mask.filter { $0 == 1 }.count == 592)
        let sorted = phi.sorted()
        let maxOpen = zip(phi, mask).filter { $0.1 == 1 }.map(\.0).max()!
        let minClosed = zip(phi, mask).filter { $0.1 == 0 }.map(\.0).min()!
        #expect(maxOpen == sorted[591] && minClosed == sorted[592])
    }

    /// The open box is the corner {0…L−1}^d of the embedding torus of side 2L, site by site.
    @Test func openBoxIsTheCornerOfTheEmbeddingTorus() throws {
        let box = try HypercubicLattice(dimension: 3, side: 3, boundary: .open)
        let embedding = try FieldPercolation.embedding(for: box)
        #expect(embedding.side == 6 && embedding.isPeriodic && embedding.dimension == 3)
        let phi = (0..<embedding.siteCount).map(Double.init)
        let cut = FieldPercolation.box(phi, of: box, in: embedding)
        var expected: [Double] = []
        for x in 0..<3 { for y in 0..<3 { for z in 0..<3 { expected.append(Double(x * 36 + y * 6 + z)) } } }
        #expect(cut == expected)
        let periodic = try HypercubicLattice(dimension: 2, side: 5, boundary: .periodic)
        #expect(try FieldPercolation.embedding(for: periodic) == periodic)
    }

    /// In the box, sites L − 1 apart along an axis are far apart (covariance C(L − 1), here
    /// exp(−49/8) = 0.0022 at L = 8, ξ = 2); on the torus of side L they are neighbours (C(1) =
    /// 0.88). Mean of φ(0, y)·φ(L − 1, y) over 8 rows × 300 fields: a product has variance 1 + ρ²,
    /// and with rows correlated over ξ = 2 about a third of them count, so its standard error is
    /// ≈ √(3/2400) ≈ 0.035: the box's |mean| < 0.15 (4σ) and the torus's > 0.7.
    @Test func openBoxHasNoWrapAroundCorrelation() throws {
        func farProduct(_ boundary: HypercubicLattice.Boundary) throws -> Double {
            let lattice = try HypercubicLattice(dimension: 2, side: 8, boundary: boundary)
            let f = try FieldPercolation(lattice: lattice, correlation: .gaussian(xi: 2), openFraction: 0.5, seed: 12)
            var sum = 0.0
            for t in 0..<300 {
                let phi = try f.values(t)
                for y in 0..<8 { sum += phi[0 * 8 + y] * phi[7 * 8 + y] }
            }
            return sum / 2400
        }
        let box = try farProduct(.open), torus = try farProduct(.periodic)
        #expect(abs(box) < 0.15, "box \(box)")
        #expect(torus > 0.7, "torus \(torus)")
        // A box trial labels with open boundaries: nothing wraps, and k = round(p·64) sites are open.
        let open = try FieldPercolation(lattice: try HypercubicLattice(dimension: 2, side: 8, boundary: .open),
                                        correlation: .gaussian(xi: 2), openFraction: 0.5, seed: 12)
        #expect(open.openCount == 32 && open.maxDistance == 7)
        for t in 0..<20 { #expect(try !open.trial(t).wrappingAny) }
    }

    @Test func parsesCorrelationsAndRejectsBadOnes() throws {
        #expect(try FieldCorrelation.parse("none") == .none)
        #expect(try FieldCorrelation.parse("gaussian:2.5") == .gaussian(xi: 2.5))
        #expect(try FieldCorrelation.parse("power:0.7") == .power(hurst: 0.7))
        #expect(FieldCorrelation.gaussian(xi: 4).description == "gaussian:4")
        #expect(abs(FieldCorrelation.power(hurst: 0.75).decayExponent! - 0.5) < 1e-15)
        #expect(abs(FieldCorrelation.power(hurst: 0.5).covariance(distance: 2) - 1 / 5.0.squareRoot()) < 1e-15)   // a = 1
        for bad in ["gaussian:0", "gaussian:-1", "gaussian:inf", "power:0", "power:1", "power:1.5", "power:-0.2",
                    "gauss:2", "gaussian:", "gaussian", "power:x", "none:1", ""] {
            #expect(throws: ModeLatticeError.self, "\(bad)") { try FieldCorrelation.parse(bad) }
        }
    }

    /// The memory check names the bytes and the largest side that fits.
    @Test func memoryCheckSaysWhatFits() throws {
        #expect(FieldMemory.largestSide(dimension: 1, concurrentTrials: 1, limit: 49_000) == 1000)
        #expect(FieldMemory.largestSide(dimension: 3, concurrentTrials: 1, limit: 49_000) == 10)
        #expect(FieldMemory.largestSide(dimension: 2, concurrentTrials: 2, limit: 90 * 400) == 20)
        let lattice = try HypercubicLattice(dimension: 3, side: 11, boundary: .periodic)
        #expect(throws: Never.self) { try FieldMemory.check(lattice: lattice, concurrentTrials: 1, limit: 49 * 1331) }
        do {
            try FieldMemory.check(lattice: lattice, concurrentTrials: 2, limit: 49_000)
            Issue.record("no error")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .usage)
            #expect(e.message.contains("largest side that fits at d = 3 is 8 (10 with one trial at a time)"), "\(e.message)")
        }
    }

    // MARK: Statistics

    /// `none` is iid site percolation with exactly k open sites: the Newman–Ziff sweep's
    /// microcanonical observables at n = k (independent code path: random order, all neighbours)
    /// must agree within error bars; spanning against the open-boundary sweep.
    @Test(arguments: [(2, 32, 0.55), (2, 32, 0.65), (3, 12, 0.3)])
    func noneMatchesIIDSweep(dimension: Int, side: Int, p: Double) throws {
        let trials = 300
        let lattice = try HypercubicLattice(dimension: dimension, side: side, boundary: .periodic)
        let open = try HypercubicLattice(dimension: dimension, side: side, boundary: .open)
        let experiment = try FieldPercolation(lattice: lattice, correlation: .none, openFraction: p, seed: 21)
        let k = experiment.openCount
        let field = try experiment.run(trials: trials, threads: 2)
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: [p], seed: 22)
        let openSweep = try NewmanZiffSweep(lattice: open, kind: .site, probabilities: [p], seed: 23)
        let micro = try ParallelMap.map(count: trials, threads: 2) { try sweep.microcanonicalTrial($0)[k] }
        let microOpen = try ParallelMap.map(count: trials, threads: 2) { try openSweep.microcanonicalTrial($0)[k] }
        let n = Double(lattice.siteCount)
        let pairs: [(String, [Double], [Double])] = [
            ("largest_fraction", field.map { Double($0.largest) / n }, micro.map { $0[0] }),
            ("pair_connectivity", field.map(\.pairConnectivity), micro.map { $0[5] }),
            ("clusters", field.map { Double($0.clusters) / n }, micro.map { $0[2] }),
            ("wrapping_any", field.map { $0.wrappingAny ? 1 : 0 }, micro.map { $0[3] }),
            ("spanning", field.map { $0.spanning ? 1 : 0 }, microOpen.map { $0[4] }),
        ]
        for (name, a, b) in pairs {
            let x = FieldTests.meanAndError(a), y = FieldTests.meanAndError(b)
            let combined = (x.se * x.se + y.se * y.se).squareRoot()
            #expect(abs(x.mean - y.mean) <= 4 * combined + 1e-12,
                    "\(name): field \(x.mean) ± \(x.se), sweep \(y.mean) ± \(y.se)")
        }
    }

    /// And against the canonical sweep at the same p (what `percolation sweep` prints), away from p_c.
    @Test func noneMatchesCanonicalSweepAtTheSameP() throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 32, boundary: .periodic)
        let p = 0.8
        let field = try FieldPercolation(lattice: lattice, correlation: .none, openFraction: p, seed: 31).run(trials: 300, threads: 2)
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: [p], seed: 32).run(trials: 300, threads: 2)
        let largest = FieldTests.meanAndError(field.map { Double($0.largest) / 1024 })
        let pair = FieldTests.meanAndError(field.map(\.pairConnectivity))
        for (name, x, observable) in [("largest", largest, SweepResult.Observable.largestFraction), ("pair", pair, .pairConnectivity)] {
            let mean = sweep.mean(observable, at: 0), se = sweep.standardError(observable, at: 0)
            #expect(abs(x.mean - mean) <= 4 * (x.se * x.se + se * se).squareRoot(), "\(name): \(x) vs \(mean) ± \(se)")
        }
    }

    /// `gaussian:2` on 64^3 reproduces exp(−r²/8) within 5 % at r ≤ 2ξ, with a statistical error
    /// well under 5 % (asserted), and agrees with it within 4 standard errors; unit variance too.
    @Test func gaussianReproducesItsCovariance() throws {
        let lattice = try HypercubicLattice(dimension: 3, side: 64, boundary: .periodic)
        let experiment = try FieldPercolation(lattice: lattice, correlation: .gaussian(xi: 2), openFraction: 0.5, seed: 41)
        let trials = 64
        let c = try ParallelMap.map(count: trials, threads: 2) {
            AxisCovariance.measure(try experiment.sample($0), lattice: lattice, maxDistance: 4)
        }
        let variance = FieldTests.meanAndError(c.map { $0[0] })
        #expect(abs(variance.mean - 1) < 4 * variance.se, "variance \(variance)")
        let total0 = c.map { $0[0] }.reduce(0, +)
        for r in 1...4 {
            let target = exp(-Double(r * r) / 8)
            let measured = c.map { $0[r] }.reduce(0, +) / total0
            let spread = FieldTests.meanAndError(c.map { $0[r] / $0[0] })
            #expect(spread.se < 0.05 * target / 3, "r=\(r): se \(spread.se) not well under 5 % of \(target)")
            #expect(abs(measured - target) < 0.05 * target, "r=\(r): \(measured) vs \(target)")
            #expect(abs(measured - target) < 4 * spread.se, "r=\(r): \(measured) vs \(target) ± \(spread.se)")
        }
    }

    /// `power:0.7` (a = 0.6) realises the clamped spectrum's covariance: measured within 4 standard
    /// errors of GaussianRandomField.realisedCovariance up to r = 8.
    @Test func powerLawRealisesItsClampedCovariance() throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 128, boundary: .periodic)
        let experiment = try FieldPercolation(lattice: lattice, correlation: .power(hurst: 0.7), openFraction: 0.5, seed: 51)
        let c = try ParallelMap.map(count: 80, threads: 2) {
            AxisCovariance.measure(try experiment.sample($0), lattice: lattice, maxDistance: 8)
        }
        let realised = experiment.field.realisedCovariance
        for r in [0, 1, 2, 4, 8] {
            let x = FieldTests.meanAndError(c.map { $0[r] })
            #expect(abs(x.mean - realised[r]) < 4 * x.se, "r=\(r): \(x) vs realised \(realised[r])")
        }
        #expect(abs(realised[4] - pow(17, -0.3)) < 0.05, "clamping moved C(4) to \(realised[4])")
    }

    /// A run that finds trials in its checkpoint (as an interrupted run leaves them, JSON lines)
    /// uses them and ends with exactly the uninterrupted trials, covariances included.
    @Test func resumesFromACheckpoint() throws {
        let dir = NSTemporaryDirectory() + "modelattice-field-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lattice = try HypercubicLattice(dimension: 2, side: 20, boundary: .periodic)
        let experiment = try FieldPercolation(lattice: lattice, correlation: .gaussian(xi: 1.5), openFraction: 0.6,
                                              seed: 9, measuresCovariance: true)
        let full = try experiment.run(trials: 6, threads: 2)
        let interrupted = try Checkpoint<FieldPercolation.Trial>(output: dir + "/f.csv", fingerprint: "field test")
        for t in [0, 2, 3] { interrupted.record(index: t, value: full[t]) }
        let checkpoint = try Checkpoint<FieldPercolation.Trial>(output: dir + "/f.csv", fingerprint: "field test")
        #expect(checkpoint.restored.count == 3 && checkpoint.restored[2] == full[2])
        let resumed = try experiment.run(trials: 6, threads: 2, checkpoint: checkpoint)
        #expect(resumed == full)
        #expect(experiment.covarianceTable(resumed) == experiment.covarianceTable(full))
    }

    /// Trials depend on the seed only: identical at 1 and 2 threads, and on a recomputation.
    @Test func trialsDoNotDependOnThreads() throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 48, boundary: .periodic)
        let experiment = try FieldPercolation(lattice: lattice, correlation: .power(hurst: 0.6), openFraction: 0.45,
                                              seed: 7, measuresCovariance: true)
        let one = try experiment.run(trials: 9, threads: 1)
        let two = try experiment.run(trials: 9, threads: 2)
        #expect(one == two)
        #expect(try experiment.trial(4) == one[4])
        #expect(Set(one.map(\.largest)).count > 1)
        let other = try FieldPercolation(lattice: lattice, correlation: .power(hurst: 0.6), openFraction: 0.45, seed: 8)
        #expect(try other.trial(0).largest != one[0].largest || other.trial(1).largest != one[1].largest)
    }
}
