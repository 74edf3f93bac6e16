/// The shortest two-piece path A → C → B between two teacher–student minima through a center C
/// that is a minimum linearly connected to both (see ``LinearConnectivity``).
///
/// Problem. Teacher j may use its dedicated rows S_j and free rows (zero in A and B); a free row
/// carries one teacher. Minimize the convex function
///
///     g(C) = ‖A − C‖_F + ‖C − B‖_F
///
/// over such centers. For a fixed choice of which free rows carry which teacher the feasible set is
/// a product of simplices, c_j ∈ Δ(S_j ∪ F_j), and g is minimized exactly (up to the certificate
/// below) by projected gradient descent: Euclidean projection onto each simplex by the sort-based
/// method of Duchi et al. (2008), step by Armijo backtracking, stopped by the Frank–Wolfe gap
/// Σ_j (⟨∇_j g, c_j⟩ − min_{i} ∂g/∂C_ij), which bounds g(C) − min g from above. g is smooth on the
/// feasible set when A and B are not linearly connected (C = A would need A itself to be feasible).
///
/// Free rows. Free rows are exchangeable, so only the counts k_j matter, and by symmetry and
/// convexity teacher j's mass φ_j on its free rows is spread evenly, costing φ_j²/k_j in both
/// ‖A−C‖² and ‖C−B‖². Relaxing the k_j to reals with Σ k_j = F gives, by Cauchy–Schwarz, the
/// pooled cost (Σ_j φ_j)²/F: a convex problem (the φ_j are extra simplex coordinates) whose optimum
/// is a lower bound (``Result/lowerBound``). Its k_j ∝ φ_j, rounded (largest remainder, at least one
/// row for a teacher that has no dedicated row), gives a feasible assignment, solved exactly; the
/// plain rule "free rows dealt round-robin to teachers without dedicated rows" is solved too, and
/// the shorter of the two is returned. Uniform minima have no free rows: there the result is exact.
/// For linearly connected pairs the midpoint is a center and G = 1 exactly.
public enum TwoPieceCenter {
    public struct Result: Sendable {
        /// The center C, itself a minimum (Theorem 6 form).
        public var center: TeacherStudentMinimum
        /// ‖A − C‖ + ‖C − B‖.
        public var length: Double
        /// ‖A − B‖.
        public var distance: Double
        /// Frank–Wolfe certificate of the returned solve: length − (optimum for its free-row
        /// assignment) ≤ gap (0 for linearly connected pairs).
        public var gap: Double
        /// A certified lower bound on the shortest two-piece length over all centers (the relaxed
        /// free-row problem minus its gap; equal to length − gap when there are no free rows).
        public var lowerBound: Double
        public var iterations: Int
        /// G = length / distance.
        public var ratio: Double { length / distance }
    }

    /// The shortest center, or nil when no center exists (not 2-piece connected).
    public static func shortest(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum,
                                maxIterations: Int = 20000, relativeGap: Double = 1e-10) -> Result? {
        let distance = TeacherStudentMinimum.distance(a, b)
        if LinearConnectivity.isLinearlyConnected(a, b) {
            return Result(center: midpoint(a, b), length: distance, distance: distance, gap: 0,
                          lowerBound: distance, iterations: 0)
        }
        let rows = LinearConnectivity.centerRows(a, b)
        guard rows.feasible else { return nil }
        let mT = a.teachers
        let problem = Problem(a: a.matrix, b: b.matrix, rows: a.rows, teachers: mT)
        let free = rows.free
        func solveAssigned(_ counts: [Int]) -> Solution {
            var support = rows.dedicated
            var next = 0
            for j in 0..<mT {
                support[j] += free[next..<(next + counts[j])]
                next += counts[j]
            }
            return problem.solve(support: support, pooledFree: 0, maxIterations: maxIterations, relativeGap: relativeGap)
        }
        // The plain rule: free rows round-robin to the teachers without dedicated rows.
        let needy = (0..<mT).filter { rows.dedicated[$0].isEmpty }
        var plain = [Int](repeating: 0, count: mT)
        if !needy.isEmpty { for k in 0..<free.count { plain[needy[k % needy.count]] += 1 } }
        var best = solveAssigned(plain)
        var lowerBound = best.g - best.gap
        if !free.isEmpty {
            let relaxed = problem.solve(support: rows.dedicated, pooledFree: free.count,
                                        maxIterations: maxIterations, relativeGap: relativeGap)
            lowerBound = max(0, relaxed.g - relaxed.gap)
            let counts = roundCounts(phi: relaxed.phi, free: free.count, mandatory: needy)
            if counts != plain {
                let rounded = solveAssigned(counts)
                if rounded.g < best.g { best = rounded }
            }
        }
        var teacherOfRow = [Int](repeating: -1, count: a.rows)
        var weight = [Double](repeating: 0, count: a.rows)
        for i in 0..<a.rows {
            for j in 0..<mT where best.c[i * mT + j] > 0 {
                teacherOfRow[i] = j
                weight[i] = best.c[i * mT + j]
            }
        }
        let center = TeacherStudentMinimum(teachers: mT, teacherOfRow: teacherOfRow, weight: weight)
        return Result(center: center, length: best.g, distance: distance, gap: best.gap,
                      lowerBound: min(lowerBound, best.g), iterations: best.iterations)
    }

    /// Integer free-row counts k_j ≈ F φ_j / Σφ (largest remainder), at least 1 for `mandatory`
    /// teachers and 0 where φ_j is negligible, Σ k_j ≤ F.
    static func roundCounts(phi: [Double], free: Int, mandatory: [Int]) -> [Int] {
        let total = phi.reduce(0, +)
        var counts = [Int](repeating: 0, count: phi.count)
        for j in mandatory { counts[j] = 1 }
        guard total > 1e-12 else { return counts }
        let target = phi.map { Double(free) * $0 / total }
        for j in phi.indices where phi[j] > 1e-9 * total { counts[j] = max(counts[j], Int(target[j])) }
        func floorOf(_ j: Int) -> Int { mandatory.contains(j) ? 1 : 0 }
        while counts.reduce(0, +) > free {
            // Take from the teacher furthest above its target.
            guard let j = phi.indices.filter({ counts[$0] > floorOf($0) })
                .max(by: { Double(counts[$0]) - target[$0] < Double(counts[$1]) - target[$1] }) else { break }
            counts[j] -= 1
        }
        while counts.reduce(0, +) < free {
            guard let j = phi.indices.filter({ phi[$0] > 1e-9 * total })
                .max(by: { target[$0] - Double(counts[$0]) < target[$1] - Double(counts[$1]) }) else { break }
            counts[j] += 1
        }
        return counts
    }

    struct Solution {
        /// C, shape [m, M].
        var c: [Double]
        /// Pooled free-row mass per teacher, shape [M] (zeros when not pooled).
        var phi: [Double]
        var g: Double
        var gap: Double
        var iterations: Int
    }

    /// g over product-of-simplex centers; with `pooledFree` = F > 0 each teacher also has a pooled
    /// free mass φ_j costing (Σφ)²/F in both squared distances (the relaxation above).
    struct Problem {
        let a: [Double], b: [Double]   // [m, M]
        let rows: Int, teachers: Int

        func solve(support: [[Int]], pooledFree: Int, maxIterations: Int, relativeGap: Double) -> Solution {
            let mT = teachers, size = rows * teachers
            let pooled = pooledFree > 0
            let f = Double(max(1, pooledFree))
            // Start: c_j ∝ A_·j + B_·j on S_j (uniform when that is zero there); φ_j = 1 without S_j.
            var c = [Double](repeating: 0, count: size)   // [m, M]
            var phi = [Double](repeating: 0, count: mT)   // [M]
            for j in 0..<mT {
                if support[j].isEmpty { phi[j] = 1; continue }
                let s = support[j].reduce(0.0) { $0 + a[$1 * mT + j] + b[$1 * mT + j] }
                for i in support[j] {
                    c[i * mT + j] = s > 0 ? (a[i * mT + j] + b[i * mT + j]) / s : 1 / Double(support[j].count)
                }
            }
            func objective(_ c: [Double], _ phi: [Double]) -> (g: Double, da: Double, db: Double) {
                var sa = 0.0, sb = 0.0
                for k in 0..<size {
                    let x = c[k] - a[k], y = c[k] - b[k]
                    sa += x * x
                    sb += y * y
                }
                if pooled {
                    let total = phi.reduce(0, +)
                    sa += total * total / f
                    sb += total * total / f
                }
                let da = sa.squareRoot(), db = sb.squareRoot()
                return (da + db, da, db)
            }
            var (g, da, db) = objective(c, phi)
            var step = 1.0, gap = Double.infinity, iterations = 0
            var grad = [Double](repeating: 0, count: size)   // [m, M]
            var gradPhi = [Double](repeating: 0, count: mT)  // [M]
            while iterations < maxIterations {
                iterations += 1
                for k in 0..<size { grad[k] = (c[k] - a[k]) / da + (c[k] - b[k]) / db }
                if pooled {
                    let shared = phi.reduce(0, +) / f * (1 / da + 1 / db)
                    for j in 0..<mT { gradPhi[j] = shared }
                }
                gap = 0
                for j in 0..<mT {
                    var inner = 0.0, lowest = Double.infinity
                    for i in support[j] {
                        inner += grad[i * mT + j] * c[i * mT + j]
                        lowest = min(lowest, grad[i * mT + j])
                    }
                    if pooled {
                        inner += gradPhi[j] * phi[j]
                        lowest = min(lowest, gradPhi[j])
                    }
                    if lowest.isFinite { gap += inner - lowest }
                }
                if gap <= relativeGap * g { break }
                step *= 2
                var accepted = false
                while step > 1e-18 {
                    var trial = c, trialPhi = phi
                    for j in 0..<mT {
                        var values = support[j].map { c[$0 * mT + j] - step * grad[$0 * mT + j] }
                        if pooled { values.append(phi[j] - step * gradPhi[j]) }
                        if values.isEmpty { continue }
                        let projected = projectOntoSimplex(values)
                        for (k, i) in support[j].enumerated() { trial[i * mT + j] = projected[k] }
                        if pooled { trialPhi[j] = projected[support[j].count] }
                    }
                    var decrease = 0.0
                    for k in 0..<size { decrease += grad[k] * (c[k] - trial[k]) }
                    if pooled { for j in 0..<mT { decrease += gradPhi[j] * (phi[j] - trialPhi[j]) } }
                    let t = objective(trial, trialPhi)
                    if decrease > 0, t.g <= g - 0.5 * decrease {
                        c = trial
                        phi = trialPhi
                        (g, da, db) = t
                        accepted = true
                        break
                    }
                    step *= 0.5
                }
                if !accepted { break }
            }
            return Solution(c: c, phi: pooled ? phi : [Double](repeating: 0, count: mT), g: g, gap: gap, iterations: iterations)
        }
    }

    /// (A + B)/2 for a linearly connected pair, in Theorem 6 form.
    static func midpoint(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum) -> TeacherStudentMinimum {
        var teacherOfRow = [Int](repeating: -1, count: a.rows)
        var weight = [Double](repeating: 0, count: a.rows)
        for i in 0..<a.rows {
            let ja = a.teacherOfRow[i], jb = b.teacherOfRow[i]
            let j = ja >= 0 ? ja : jb
            guard j >= 0 else { continue }
            teacherOfRow[i] = j
            weight[i] = 0.5 * (ja >= 0 ? a.weight[i] : 0) + 0.5 * (jb >= 0 ? b.weight[i] : 0)
        }
        return TeacherStudentMinimum(teachers: a.teachers, teacherOfRow: teacherOfRow, weight: weight)
    }

    /// Euclidean projection of v onto the probability simplex {x ≥ 0, Σx = 1} (Duchi et al. 2008).
    public static func projectOntoSimplex(_ v: [Double]) -> [Double] {
        let sorted = v.sorted(by: >)
        var cumulative = 0.0, theta = 0.0
        for (k, u) in sorted.enumerated() {
            cumulative += u
            let candidate = (cumulative - 1) / Double(k + 1)
            if u - candidate > 0 { theta = candidate }
        }
        return v.map { max(0, $0 - theta) }
    }
}
