/// The shortest two-piece path A → C → B between two teacher–student minima through a center C
/// that is a minimum linearly connected to both (see ``LinearConnectivity``).
///
/// Problem. Fix which rows of C may carry which teacher: teacher j uses its dedicated rows S_j
/// and, when it has none, a share of the free rows (free rows are dealt round-robin to the
/// teachers without dedicated rows; teachers with dedicated rows get none — a restriction, so for
/// pairs with free rows the result is an upper bound on the shortest two-piece length). Then the
/// feasible centers form a product of simplices, c_j ∈ Δ(S_j) (c ≥ 0, Σ_{i∈S_j} c_ij = 1, all other
/// entries 0), and we minimize the convex function
///
///     g(C) = ‖A − C‖_F + ‖C − B‖_F
///
/// by projected gradient descent (Euclidean projection onto each simplex by the sort-based method
/// of Duchi et al. 2008, step by Armijo backtracking). g is smooth on the feasible set when A and B
/// are not linearly connected (C = A would need A itself to be a feasible center). The Frank–Wolfe
/// gap Σ_j (⟨∇_j g, c_j⟩ − min_{i∈S_j} ∂g/∂C_ij) bounds g(C) − min g from above and is the stopping
/// test, so the returned length is certified to within `gap` of the optimum over this family.
/// For linearly connected pairs the midpoint is a center and G = 1 exactly.
///
/// No free rows occur for uniform minima (all rows nonzero), so there the optimum is exact.
public enum TwoPieceCenter {
    public struct Result: Sendable {
        /// The center C, itself a minimum (Theorem 6 form).
        public var center: TeacherStudentMinimum
        /// ‖A − C‖ + ‖C − B‖.
        public var length: Double
        /// ‖A − B‖.
        public var distance: Double
        /// Frank–Wolfe certificate: length − optimum ≤ gap (0 for linearly connected pairs).
        public var gap: Double
        public var iterations: Int
        /// G = length / distance.
        public var ratio: Double { length / distance }
    }

    /// The shortest center, or nil when no center exists (not 2-piece connected).
    public static func shortest(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum,
                                maxIterations: Int = 20000, relativeGap: Double = 1e-10) -> Result? {
        let distance = TeacherStudentMinimum.distance(a, b)
        if LinearConnectivity.isLinearlyConnected(a, b) {
            return Result(center: midpoint(a, b), length: distance, distance: distance, gap: 0, iterations: 0)
        }
        let rows = LinearConnectivity.centerRows(a, b)
        guard rows.feasible else { return nil }
        let mT = a.teachers, m = a.rows
        var support = rows.dedicated   // support[j] = rows of C that carry teacher j
        let needy = (0..<mT).filter { support[$0].isEmpty }
        if !needy.isEmpty {
            for (k, i) in rows.free.enumerated() { support[needy[k % needy.count]].append(i) }
        }
        let am = a.matrix, bm = b.matrix   // [m, M]
        // Start: c_j ∝ A_·j + B_·j on S_j (uniform when that is zero there).
        var c = [Double](repeating: 0, count: m * mT)   // [m, M]
        for j in 0..<mT {
            let s = support[j].reduce(0.0) { $0 + am[$1 * mT + j] + bm[$1 * mT + j] }
            for i in support[j] {
                c[i * mT + j] = s > 0 ? (am[i * mT + j] + bm[i * mT + j]) / s : 1 / Double(support[j].count)
            }
        }
        func objective(_ c: [Double]) -> (g: Double, da: Double, db: Double) {
            var sa = 0.0, sb = 0.0
            for k in 0..<(m * mT) {
                let x = c[k] - am[k], y = c[k] - bm[k]
                sa += x * x
                sb += y * y
            }
            let da = sa.squareRoot(), db = sb.squareRoot()
            return (da + db, da, db)
        }
        var (g, da, db) = objective(c)
        var step = 1.0
        var gap = Double.infinity
        var iterations = 0
        var grad = [Double](repeating: 0, count: m * mT)   // [m, M]
        while iterations < maxIterations {
            iterations += 1
            for k in 0..<(m * mT) { grad[k] = (c[k] - am[k]) / da + (c[k] - bm[k]) / db }
            gap = 0
            for j in 0..<mT {
                var inner = 0.0, lowest = Double.infinity
                for i in support[j] {
                    inner += grad[i * mT + j] * c[i * mT + j]
                    lowest = min(lowest, grad[i * mT + j])
                }
                gap += inner - lowest
            }
            if gap <= relativeGap * g { break }
            // Armijo backtracking on the projected step.
            step *= 2
            var accepted = false
            while step > 1e-18 {
                var trial = c
                for j in 0..<mT {
                    let values = support[j].map { c[$0 * mT + j] - step * grad[$0 * mT + j] }
                    let projected = projectOntoSimplex(values)
                    for (k, i) in support[j].enumerated() { trial[i * mT + j] = projected[k] }
                }
                var decrease = 0.0
                for k in 0..<(m * mT) { decrease += grad[k] * (c[k] - trial[k]) }
                let t = objective(trial)
                if t.g <= g - 0.5 * decrease, decrease > 0 {
                    c = trial
                    (g, da, db) = t
                    accepted = true
                    break
                }
                step *= 0.5
            }
            if !accepted { break }
        }
        var teacherOfRow = [Int](repeating: -1, count: m)
        var weight = [Double](repeating: 0, count: m)
        for j in 0..<mT {
            for i in support[j] where c[i * mT + j] > 0 {
                teacherOfRow[i] = j
                weight[i] = c[i * mT + j]
            }
        }
        let center = TeacherStudentMinimum(teachers: mT, teacherOfRow: teacherOfRow, weight: weight)
        return Result(center: center, length: g, distance: distance, gap: gap, iterations: iterations)
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
