import Foundation
import Testing
@testable import Percolation
import Support

/// The correlated least-squares fit of p(n) on synthetic curves with a known answer:
/// p_r(n_j) = p_c + a·n_j^(−ω) + b·n_j^(−2ω) + noise, the noise of growth r a running average
/// (as p(n) = n/M(n) is), so checkpoints of one growth are strongly correlated.
@Suite struct ThresholdFitTests {
    static let sizes = ThresholdEstimator.defaultCheckpoints(size: 1 << 17)
    static let pc = 0.0594960034, a = -0.004, b = 0.02, omega = 0.5

    /// R synthetic growths: noise_j = s · (1/n_j) Σ_{i ≤ j} sqrt(n_i − n_{i−1}) g_i, g_i iid N(0, 1)
    /// (a sum of n_j unit steps divided by n_j, sampled at the checkpoints).
    static func synthetic(growths r: Int, noise s: Double, seed: UInt64, b: Double = b) throws -> [[Double]] {
        let rng = try RandomGenerator(seed: seed)
        return (0..<r).map { _ in
            var sum = 0.0, previous = 0
            return sizes.map { n in
                sum += Double(n - previous).squareRoot() * rng.gaussian()
                previous = n
                let x = Double(n)
                return pc + a * Foundation.pow(x, -omega) + b * Foundation.pow(x, -2 * omega) + s * sum / x
            }
        }
    }

    static let form = ScalingForm(omega: omega, omega2: 2 * omega, label: "test")

    /// With almost no noise the fit returns p_c, a and b (the algebra is exact).
    @Test func recoversParametersWithoutNoise() throws {
        let y = try Self.synthetic(growths: 40, noise: 1e-9, seed: 3)
        let f = try CorrelatedFit.fit(samples: y, sizes: Self.sizes, form: Self.form)
        #expect(abs(f.pc - Self.pc) < 1e-11)
        #expect(abs(f.parameters[1] - Self.a) < 1e-8)
        #expect(abs(f.parameters[2] - Self.b) < 1e-6)
        #expect(f.dof == 5)
        // p̂_c = w·ȳ, and the weights reproduce a constant exactly (Σ w = 1) and cancel n^(−ω).
        #expect(abs(f.weights.reduce(0, +) - 1) < 1e-9)
    }

    /// Over 200 independent synthetic data sets of 64 growths, z = (p̂ − p_c)/jackknife error has
    /// mean 0 and spread 1 within what 200 draws allow (mean within 3/√200; spread within 0.8–1.25,
    /// about ±4 standard errors of a standard deviation from 200 draws), and χ²/dof averages to
    /// about 1 (Hotelling: R/(R − m) = 1.14 at R = 64, m = 8).
    @Test func errorBarsAreHonestOnSyntheticData() throws {
        var z: [Double] = [], chi: [Double] = []
        for seed in 1...200 {
            let y = try Self.synthetic(growths: 64, noise: 0.5, seed: UInt64(seed))
            let f = try CorrelatedFit.fit(samples: y, sizes: Self.sizes, form: Self.form)
            let se = try CorrelatedFit.jackknifeError(samples: y, sizes: Self.sizes, form: Self.form)
            z.append((f.pc - Self.pc) / se)
            chi.append(f.chi2PerDof)
        }
        let (mz, sez) = ThresholdEstimator.meanAndError(z)
        let sd = sez * Double(z.count).squareRoot()
        #expect(abs(mz) < 3 / Double(z.count).squareRoot(), "mean z \(mz)")
        #expect(sd > 0.8 && sd < 1.25, "sd z \(sd)")
        let mchi = chi.reduce(0, +) / Double(chi.count)
        #expect(mchi > 0.9 && mchi < 1.45, "mean chi2/dof \(mchi)")
    }

    /// The wrong form is detected: leaving out the n^(−2ω) term on data that have it gives a
    /// large χ²/dof and a biased p_c. Noise and b at the scale measured in d = 9 bond (per-growth
    /// spread of p(2048) ≈ 9·10⁻⁵, p(2048) − p(N) ≈ −4·10⁻⁵).
    @Test func leadingOnlyFitOnCurvedDataFails() throws {
        let y = try Self.synthetic(growths: 400, noise: 0.004, seed: 9, b: -0.1)
        let leading = ScalingForm(omega: Self.omega, omega2: nil, label: "leading")
        let f = try CorrelatedFit.fit(samples: y, sizes: Self.sizes, form: leading)
        let se = try CorrelatedFit.jackknifeError(samples: y, sizes: Self.sizes, form: leading)
        #expect(f.chi2PerDof > 5)
        #expect(abs(f.pc - Self.pc) > 5 * se)
    }

    @Test func checkpointsMustIncrease() {
        #expect(throws: ModeLatticeError.self) { try ThresholdEstimator.validateCheckpoints([1024, 4096, 2048, 8192], dimension: 7, kind: .site) }
        #expect(throws: ModeLatticeError.self) { try ThresholdEstimator.validateCheckpoints([1024, 1024, 2048, 8192], dimension: 7, kind: .site) }
        #expect(throws: ModeLatticeError.self) { try ThresholdEstimator.validateCheckpoints([1024, 2048, 4096], dimension: 7, kind: .site) }
        #expect(throws: Never.self) { try ThresholdEstimator.validateCheckpoints([1024, 2048, 4096, 8192], dimension: 7, kind: .site) }
    }

    /// ω = 1/(ν d_f) from the literature; Ω is tabulated only for d = 2, 3, so the scaling fit
    /// elsewhere is a usage error naming the two-term fit.
    @Test func exponentsAndUnknownCorrectionExponent() throws {
        #expect(abs(ScalingExponents.omega(dimension: 2) - 36.0 / 91.0) < 1e-15)
        #expect(ScalingExponents.omega(dimension: 9) == 0.5)
        #expect(try ScalingExponents.form(dimension: 3, model: .scaling).omega2! > 1)
        #expect(throws: ModeLatticeError.self) { try ScalingExponents.form(dimension: 7, model: .scaling) }
        do { _ = try ScalingExponents.form(dimension: 7, model: .scaling) } catch let e as ModeLatticeError {
            #expect(e.message.contains("two-term"))
        }
        // Every alternative differs from the main form; d = 6 adds the logarithmic probes.
        let main = try ScalingExponents.form(dimension: 6, model: .twoTerm)
        let alternatives = ScalingExponents.alternatives(dimension: 6, main: main)
        #expect(alternatives.count == 3)   // ω₂ = 3ω and the two logarithmic probes (2ω = 1 is the main form)
        #expect(!alternatives.contains(main))
    }
}
