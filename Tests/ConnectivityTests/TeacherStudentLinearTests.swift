import Foundation
import Testing
@testable import Connectivity
import Support

/// Deep linear regression minima and the center search.
@Suite struct TeacherStudentLinearTests {
    func problem(width: Int, depth: Int, seed: UInt64 = 4) throws -> (DeepLinearRegression, RandomGenerator) {
        let g = try RandomGenerator(algorithm: "mt19937", seed: seed)
        let d = 2
        let teacher = (0..<(d * d)).map { _ in g.gaussian(sigma: 0.7) }
        return (DeepLinearRegression(dimension: d, width: width, depth: depth, teacher: teacher), g)
    }

    @Test func sampledFactorizationsAreGlobalMinima() throws {
        for (m, depth) in [(2, 2), (5, 3), (8, 4)] {
            let (pr, g) = try problem(width: m, depth: depth)
            for _ in 0..<5 {
                let theta = try #require(pr.sampleMinimum(rng: g))
                #expect(theta.count == pr.parameterCount)
                #expect(pr.loss(theta) <= 1e-24)
                var moved = theta
                moved[0] += 0.1
                #expect(pr.loss(moved) > 1e-6)
            }
        }
    }

    /// The Gauss–Legendre integrated loss J(C) equals a fine Simpson integral of the loss scanned
    /// along both segments by ParameterPath (two independent code paths), and the analytic
    /// Jacobian matches central differences.
    @Test func integratedLossAndJacobianCrossCheck() throws {
        let (pr, g) = try problem(width: 4, depth: 3)
        let a = try #require(pr.sampleMinimum(rng: g)), b = try #require(pr.sampleMinimum(rng: g))
        let c = (0..<pr.parameterCount).map { _ in g.gaussian(sigma: 0.5) }
        let (r, jac) = DeepLinearCenter.residuals(pr, a, b, c, jacobian: true)
        let quadrature = r.reduce(0) { $0 + $1 * $1 }
        let points = 401
        var simpson = 0.0
        for profile in ParameterPath.twoPiece(a, via: c, b).profile(points: points, loss: pr.loss) {
            let h = 1.0 / Double(points - 1)
            for k in 0..<points {
                let w = (k == 0 || k == points - 1) ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0)
                simpson += w * profile.loss[k] * h / 3
            }
        }
        #expect(abs(quadrature - simpson) <= 1e-8 * simpson, "\(quadrature) vs \(simpson)")
        let n = pr.parameterCount
        for p in stride(from: 0, to: n, by: 3) {
            var up = c, down = c
            up[p] += 1e-6
            down[p] -= 1e-6
            let ru = DeepLinearCenter.residuals(pr, a, b, up, jacobian: false).r
            let rd = DeepLinearCenter.residuals(pr, a, b, down, jacobian: false).r
            for i in r.indices {
                let fd = (ru[i] - rd[i]) / 2e-6
                #expect(abs(fd - jac[i * n + p]) <= 1e-6 * max(1, abs(fd)))
            }
        }
    }

    /// At a comfortable width the search finds a center: both segments scan at zero loss.
    @Test func centerSearchConnectsWideMinima() throws {
        let (pr, g) = try problem(width: 8, depth: 3)
        for _ in 0..<4 {
            let a = try #require(pr.sampleMinimum(rng: g)), b = try #require(pr.sampleMinimum(rng: g))
            #expect(ParameterPath.segment(a, b).maxLoss(points: 61, loss: pr.loss) > 1e-4)   // not trivially connected
            let found = DeepLinearCenter.search(pr, a, b, restarts: 3, rng: g)
            let path = ParameterPath.twoPiece(a, via: found.center, b)
            #expect(path.maxLoss(points: 61, loss: pr.loss) <= 1e-16)
            #expect(path.lengthRatio >= 1)
        }
    }
}
