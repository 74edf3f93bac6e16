import Foundation
import Testing
@testable import Connectivity
import Support

/// The two-layer ReLU teacher–student problem: closed-form loss, Theorem 6 minima, Lemma 7 and the
/// shortest two-piece centers.
@Suite struct TeacherStudentTests {
    func rng(_ seed: UInt64) throws -> RandomGenerator { try RandomGenerator(algorithm: "mt19937", seed: seed) }

    @Test func closedFormMinimaHaveZeroLoss() throws {
        let g = try rng(11)
        for (mT, d) in [(3, 3), (4, 6), (2, 5)] {
            let model = ReLUTeacherStudent(teachers: mT, inputDimension: d)
            for m in [2 * mT, 3 * mT + 1, 24] {
                for minimum in [TeacherStudentMinimum.uniform(rows: m, teachers: mT, rng: g),
                                TeacherStudentMinimum.sparse(rows: m, teachers: mT, rng: g)] {
                    #expect(minimum.isMinimum())
                    let w = minimum.weights(inputDimension: d)
                    #expect(abs(model.loss(w)) <= 1e-12)
                    // Not every point has zero loss: a small rotation of one row costs.
                    var moved = w
                    let i = minimum.teacherOfRow.firstIndex { $0 >= 0 }!
                    moved[i * d + (minimum.teacherOfRow[i] + 1) % d] += 0.05
                    #expect(model.loss(moved) > 1e-6)
                }
            }
        }
    }

    @Test func kernelHasItsExactValues() {
        let model = ReLUTeacherStudent(teachers: 2, inputDimension: 5)
        // E σ(u·x)² = ‖u‖²/(2d); orthogonal unit vectors: 1/(2πd); opposite vectors: 0.
        #expect(abs(model.kernel([3, 4, 0, 0, 0], [3, 4, 0, 0, 0]) - 25.0 / 10) <= 1e-14)
        #expect(abs(model.kernel([1, 0, 0, 0, 0], [0, 1, 0, 0, 0]) - 1 / (10 * Double.pi)) <= 1e-15)
        #expect(abs(model.kernel([1, 0, 0, 0, 0], [-2, 0, 0, 0, 0])) <= 1e-15)
        #expect(model.kernel([0, 0, 0, 0, 0], [1, 2, 3, 4, 5]) == 0)
        // The loss is the kernel expansion: with one student row u, R = κ(u,u) − 2Σ_j κ(u,e_j) + Σκ(e_j,e_j').
        let u = [0.3, -0.7, 0.2, 0.9, -0.1]
        let e0 = [1.0, 0, 0, 0, 0], e1 = [0.0, 1, 0, 0, 0]
        let expected = model.kernel(u, u) - 2 * (model.kernel(u, e0) + model.kernel(u, e1))
            + model.kernel(e0, e0) + model.kernel(e1, e1) + 2 * model.kernel(e0, e1)
        #expect(abs(model.loss(u) - expected) <= 1e-14)
    }

    /// Closed form against a Monte-Carlo estimate with GSL sphere points (gsl_ran_dir_nd).
    @Test func closedFormMatchesMonteCarlo() throws {
        let g = try rng(2024)
        let d = 5, mT = 3, m = 4, samples = 200_000
        let model = ReLUTeacherStudent(teachers: mT, inputDimension: d)
        let u = (0..<d).map { _ in g.gaussian() }, v = (0..<d).map { _ in g.gaussian() }
        let w = (0..<(m * d)).map { _ in g.gaussian(sigma: 0.6) }   // [m, d], a non-minimum
        var sumK = 0.0, sumK2 = 0.0, sumR = 0.0, sumR2 = 0.0
        for _ in 0..<samples {
            let x = uniformOnSphere(dimension: d, rng: g)
            var ux = 0.0, vx = 0.0
            for k in 0..<d { ux += u[k] * x[k]; vx += v[k] * x[k] }
            let k = max(0, ux) * max(0, vx)
            sumK += k; sumK2 += k * k
            let r = model.residual(w, at: x)
            sumR += r * r; sumR2 += r * r * r * r
        }
        let n = Double(samples)
        let meanK = sumK / n, seK = ((sumK2 / n - meanK * meanK) / n).squareRoot()
        let meanR = sumR / n, seR = ((sumR2 / n - meanR * meanR) / n).squareRoot()
        #expect(abs(model.kernel(u, v) - meanK) <= 4.5 * seK, "kernel \(model.kernel(u, v)) vs MC \(meanK) ± \(seK)")
        #expect(abs(model.loss(w) - meanR) <= 4.5 * seR, "loss \(model.loss(w)) vs MC \(meanR) ± \(seR)")
        #expect(seR < 0.02 * meanR)   // the comparison has teeth
    }

    /// Lemma 7's criterion against a direct scan of the segment at 61 points, on random pairs that
    /// are connected and pairs that are not.
    @Test func lemma7AgreesWithDirectScan() throws {
        let g = try rng(7)
        let mT = 3, d = 4
        let model = ReLUTeacherStudent(teachers: mT, inputDimension: d)
        var connected = 0, unconnected = 0
        for trial in 0..<150 {
            let m = [6, 9, 16, 30][trial % 4]
            let a: TeacherStudentMinimum, b: TeacherStudentMinimum
            switch trial % 3 {
            case 0:   // sparse pairs: connected often at larger m
                a = .sparse(rows: m, teachers: mT, rng: g); b = .sparse(rows: m, teachers: mT, rng: g)
            case 1:   // uniform pairs: almost never connected
                a = .uniform(rows: m, teachers: mT, rng: g); b = .uniform(rows: m, teachers: mT, rng: g)
            default:  // same assignment, new splits, some rows zeroed: connected by construction,
                      // unless one row is moved to another teacher
                a = .uniform(rows: m, teachers: mT, rng: g)
                var c = a
                for j in 0..<mT {
                    let members = (0..<m).filter { a.teacherOfRow[$0] == j }
                    let split = DirichletSampler.sample(count: members.count, rng: g)
                    for (k, i) in members.enumerated() { c.weight[i] = split[k] }
                }
                if g.bernoulli(0.5), let i = (0..<m).first(where: { c.weight[$0] < 1 }) {
                    // Move row i's mass to another teacher's row: breaks compatibility at row i.
                    let j = c.teacherOfRow[i], k = (j + 1) % mT
                    let other = (0..<m).first { c.teacherOfRow[$0] == j && $0 != i }!
                    c.weight[other] += c.weight[i]
                    let donor = (0..<m).first { c.teacherOfRow[$0] == k }!
                    c.weight[i] = 0.5 * c.weight[donor]
                    c.weight[donor] *= 0.5
                    c.teacherOfRow[i] = k
                }
                b = c
            }
            #expect(a.isMinimum() && b.isMinimum())
            let criterion = LinearConnectivity.isLinearlyConnected(a, b)
            let scan = ParameterPath.segment(a.weights(inputDimension: d), b.weights(inputDimension: d))
                .maxLoss(points: 61, loss: model.loss)
            #expect(criterion == (scan <= 1e-10), "criterion \(criterion), scan max \(scan)")
            if criterion { connected += 1 } else { unconnected += 1 }
        }
        #expect(connected >= 20 && unconnected >= 20)
    }

    /// A feasible center found by the solver is a minimum joined to both ends by zero-loss
    /// segments, and no random feasible center is shorter than the solver's.
    @Test func shortestCenterIsConnectedAndOptimal() throws {
        let g = try rng(99)
        let mT = 3, d = 3
        let model = ReLUTeacherStudent(teachers: mT, inputDimension: d)
        var feasible = 0, infeasible = 0
        for trial in 0..<60 {
            let m = [6, 12, 24][trial % 3]
            let sparse = trial % 2 == 0
            let a = sparse ? TeacherStudentMinimum.sparse(rows: m, teachers: mT, rng: g) : .uniform(rows: m, teachers: mT, rng: g)
            let b = sparse ? TeacherStudentMinimum.sparse(rows: m, teachers: mT, rng: g) : .uniform(rows: m, teachers: mT, rng: g)
            guard let result = TwoPieceCenter.shortest(a, b) else {
                infeasible += 1
                #expect(!LinearConnectivity.isTwoPieceConnected(a, b))
                continue
            }
            feasible += 1
            let c = result.center
            #expect(c.isMinimum(tolerance: 1e-9))
            #expect(LinearConnectivity.isLinearlyConnected(a, c) && LinearConnectivity.isLinearlyConnected(c, b))
            let wa = a.weights(inputDimension: d), wb = b.weights(inputDimension: d), wc = c.weights(inputDimension: d)
            let path = ParameterPath.twoPiece(wa, via: wc, wb)
            #expect(path.maxLoss(points: 61, loss: model.loss) <= 1e-10)
            #expect(abs(path.lengthRatio - result.ratio) <= 1e-9)
            #expect(result.ratio >= 1 - 1e-12)
            #expect(result.gap <= 1e-6 * result.length)   // rounding floor of the Armijo test ~1e-8
            #expect(result.lowerBound <= result.length + 1e-12)
            if !LinearConnectivity.isLinearlyConnected(a, b) {
                // Random feasible centers with random free-row assignments respect the lower bound.
                let rows = LinearConnectivity.centerRows(a, b)
                for _ in 0..<50 {
                    var support = rows.dedicated
                    var spare = rows.free
                    for j in 0..<mT where support[j].isEmpty { support[j] = [spare.removeFirst()] }   // feasible: enough free rows
                    for i in spare where g.bernoulli(0.7) { support[g.uniformInt(mT)].append(i) }
                    var r = TeacherStudentMinimum(teachers: mT, teacherOfRow: [Int](repeating: -1, count: m),
                                                  weight: [Double](repeating: 0, count: m))
                    for j in 0..<mT {
                        let split = DirichletSampler.sample(count: support[j].count, rng: g)
                        for (k, i) in support[j].enumerated() { r.teacherOfRow[i] = j; r.weight[i] = split[k] }
                    }
                    #expect(LinearConnectivity.isLinearlyConnected(a, r) && LinearConnectivity.isLinearlyConnected(r, b))
                    let length = TeacherStudentMinimum.distance(a, r) + TeacherStudentMinimum.distance(r, b)
                    #expect(length >= result.lowerBound - 1e-9)
                }
            }
            if !sparse { #expect(result.length - result.lowerBound <= 1e-6 * result.length) }   // no free rows: exact
            // Random feasible centers on the same supports (Dirichlet splits) are never shorter.
            if !LinearConnectivity.isLinearlyConnected(a, b) {
                var support = [[Int]](repeating: [], count: mT)
                for i in 0..<m where c.teacherOfRow[i] >= 0 { support[c.teacherOfRow[i]].append(i) }
                let rows = LinearConnectivity.centerRows(a, b)
                for j in 0..<mT where !rows.dedicated[j].isEmpty { support[j] = rows.dedicated[j] }
                for _ in 0..<100 {
                    var r = TeacherStudentMinimum(teachers: mT, teacherOfRow: [Int](repeating: -1, count: m),
                                                  weight: [Double](repeating: 0, count: m))
                    for j in 0..<mT where !support[j].isEmpty {
                        let split = DirichletSampler.sample(count: support[j].count, rng: g)
                        for (k, i) in support[j].enumerated() { r.teacherOfRow[i] = j; r.weight[i] = split[k] }
                    }
                    let length = TeacherStudentMinimum.distance(a, r) + TeacherStudentMinimum.distance(r, b)
                    #expect(length >= result.length - 1e-9)
                }
            }
        }
        #expect(feasible >= 10 && infeasible >= 5)
    }

    @Test func simplexProjectionIsTheNearestPoint() throws {
        let g = try rng(3)
        for _ in 0..<50 {
            let v = (0..<7).map { _ in g.gaussian(sigma: 2) }
            let x = TwoPieceCenter.projectOntoSimplex(v)
            #expect(abs(x.reduce(0, +) - 1) <= 1e-12 && x.allSatisfy { $0 >= 0 })
            let dx = zip(v, x).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            for _ in 0..<20 {
                let y = DirichletSampler.sample(count: 7, rng: g)
                let dy = zip(v, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                #expect(dx <= dy + 1e-12)
            }
        }
    }
}
