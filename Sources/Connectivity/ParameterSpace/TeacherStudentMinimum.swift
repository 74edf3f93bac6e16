import Foundation
import Support

/// A global minimum of the ReLU teacher–student loss (``ReLUTeacherStudent``), in the form of the
/// paper's Theorem 6: every student row is 0 or α e_j with α > 0 and j < M, and for every teacher j
/// the α's of the rows on j sum to 1. Then Σ_i σ(w_i·x) = Σ_j σ(e_j·x) for every x, because
/// σ(αt) = ασ(t) for α ≥ 0, so R = 0.
///
/// Why these are all the zero-loss points: σ(t) = (t + |t|)/2, and the functions |w·x| of pairwise
/// non-parallel directions are linearly independent (each is non-smooth on its own hyperplane), with
/// only positive coefficients available, so every nonzero row must lie on ±e_j; a row on −e_j would
/// break the linear part Σ_i w_i = Σ_j e_j while keeping the absolute part. Hence Lemma 7 below is
/// an exact criterion, which the tests confirm by scanning segments.
///
/// Storage: `teacherOfRow[i]` ∈ {−1 (zero row), 0, …, M−1} and `weight[i]` = α_i (0 on zero rows).
/// As an m × M matrix A (A_ij = α_i if row i is on j), W = A·[e_0 … e_{M−1}]ᵀ padded to d columns,
/// and ‖W_A − W_B‖ = ‖A − B‖_F.
public struct TeacherStudentMinimum: Sendable, Equatable {
    public var teachers: Int
    /// Shape [m]: the teacher each row points to, −1 for a zero row.
    public var teacherOfRow: [Int]
    /// Shape [m]: α_i ≥ 0.
    public var weight: [Double]

    public init(teachers: Int, teacherOfRow: [Int], weight: [Double]) {
        self.teachers = teachers
        self.teacherOfRow = teacherOfRow
        self.weight = weight
    }

    public var rows: Int { teacherOfRow.count }

    /// Checks the Theorem 6 structure: every teacher's α's sum to 1 (within `tolerance`).
    public func isMinimum(tolerance: Double = 1e-12) -> Bool {
        var sums = [Double](repeating: 0, count: teachers)
        for i in 0..<rows {
            let j = teacherOfRow[i]
            if j < 0 { if weight[i] != 0 { return false }; continue }
            if j >= teachers || weight[i] < 0 { return false }
            sums[j] += weight[i]
        }
        return sums.allSatisfy { abs($0 - 1) <= tolerance }
    }

    /// A as a dense m × M matrix, row-major. Shape [m, M].
    public var matrix: [Double] {
        var a = [Double](repeating: 0, count: rows * teachers)
        for i in 0..<rows where teacherOfRow[i] >= 0 { a[i * teachers + teacherOfRow[i]] = weight[i] }
        return a
    }

    /// Student weights W, row-major with shape [m, d]: row i is α_i e_{j(i)}.
    public func weights(inputDimension d: Int) -> [Double] {
        var w = [Double](repeating: 0, count: rows * d)
        for i in 0..<rows where teacherOfRow[i] >= 0 { w[i * d + teacherOfRow[i]] = weight[i] }
        return w
    }

    /// "Uniform" minimum: each row is assigned to a teacher drawn uniformly from 0..<M, redrawn as
    /// a whole until every teacher has at least one row (so the assignment is uniform over the
    /// surjections rows → teachers); the α's of the rows on teacher j are a Dirichlet(1, …, 1)
    /// vector (uniform on the simplex; GSL `gsl_ran_dirichlet`). No row is zero (almost surely).
    /// Requires m ≥ M.
    public static func uniform(rows m: Int, teachers: Int, rng: RandomGenerator) -> TeacherStudentMinimum {
        precondition(m >= teachers, "a minimum needs at least one row per teacher")
        var assignment = [Int](repeating: 0, count: m)
        while true {
            var covered = [Bool](repeating: false, count: teachers)
            for i in 0..<m {
                assignment[i] = rng.uniformInt(teachers)
                covered[assignment[i]] = true
            }
            if covered.allSatisfy({ $0 }) { break }
        }
        var weight = [Double](repeating: 0, count: m)
        for j in 0..<teachers {
            let members = (0..<m).filter { assignment[$0] == j }
            let split = DirichletSampler.sample(count: members.count, rng: rng)
            for (k, i) in members.enumerated() { weight[i] = split[k] }
        }
        return TeacherStudentMinimum(teachers: teachers, teacherOfRow: assignment, weight: weight)
    }

    /// "Sparse" minimum: M distinct rows chosen uniformly at random (the first M entries of a GSL
    /// random permutation of the rows); row perm[j] is e_j (α = 1), every other row is zero.
    /// Requires m ≥ M.
    public static func sparse(rows m: Int, teachers: Int, rng: RandomGenerator) -> TeacherStudentMinimum {
        precondition(m >= teachers, "a minimum needs at least one row per teacher")
        let perm = rng.permutation(m)
        var assignment = [Int](repeating: -1, count: m)
        var weight = [Double](repeating: 0, count: m)
        for j in 0..<teachers {
            assignment[Int(perm[j])] = j
            weight[Int(perm[j])] = 1
        }
        return TeacherStudentMinimum(teachers: teachers, teacherOfRow: assignment, weight: weight)
    }

    /// ‖A − B‖_F (= ‖W_A − W_B‖_F).
    public static func distance(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum) -> Double {
        var s = 0.0
        for i in 0..<a.rows {
            if a.teacherOfRow[i] == b.teacherOfRow[i] {
                let d = a.weight[i] - b.weight[i]
                s += d * d
            } else {
                s += a.weight[i] * a.weight[i] + b.weight[i] * b.weight[i]
            }
        }
        return s.squareRoot()
    }
}

/// Lemma 7 of Lin, Li & Wu and the two-piece feasibility it implies, for minima in the form of
/// ``TeacherStudentMinimum``.
///
/// Lemma 7 (linear connectivity): the segment (1−t)W_A + tW_B has zero loss for all t ∈ [0, 1]
/// iff every row is compatible: the two rows point to the same teacher, or at least one is zero.
/// (If so, each interpolated row stays on one teacher's ray and every teacher's α's still sum to
/// (1−t)·1 + t·1 = 1. If not, some interior row is a positive mix of e_j and e_k, j ≠ k, which
/// no zero-loss point has.)
///
/// Two-piece connectivity via a center C that is itself a minimum linearly connected to both: C's
/// row i may be on teacher j only if row i of A and of B are each 0 or on j. So row i is
/// - dedicated to j when {teacher of A_i, teacher of B_i} \ {zero} = {j};
/// - free (any teacher) when both rows are zero;
/// - blocked (must be 0 in C) when A_i and B_i point to different teachers.
/// Each teacher needs at least one row of C, and a row carries one teacher, so a center exists
/// iff the number of teachers with no dedicated row is at most the number of free rows.
public enum LinearConnectivity {
    /// Lemma 7's criterion.
    public static func isLinearlyConnected(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum) -> Bool {
        for i in 0..<a.rows {
            let ja = a.teacherOfRow[i], jb = b.teacherOfRow[i]
            if ja >= 0, jb >= 0, ja != jb { return false }
        }
        return true
    }

    /// Rows of a center: for each teacher the dedicated rows, plus the free rows.
    public struct CenterRows: Sendable, Equatable {
        /// dedicated[j] = rows that may carry teacher j only.
        public var dedicated: [[Int]]
        /// Rows zero in both minima.
        public var free: [Int]
        /// True iff a center exists: #{j : dedicated[j] empty} ≤ free.count.
        public var feasible: Bool {
            dedicated.filter(\.isEmpty).count <= free.count
        }
    }

    public static func centerRows(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum) -> CenterRows {
        var dedicated = [[Int]](repeating: [], count: a.teachers)
        var free: [Int] = []
        for i in 0..<a.rows {
            let ja = a.teacherOfRow[i], jb = b.teacherOfRow[i]
            switch (ja >= 0, jb >= 0) {
            case (false, false): free.append(i)
            case (true, false): dedicated[ja].append(i)
            case (false, true): dedicated[jb].append(i)
            case (true, true): if ja == jb { dedicated[ja].append(i) }
            }
        }
        return CenterRows(dedicated: dedicated, free: free)
    }

    /// Whether some minimum C is linearly connected to both a and b.
    public static func isTwoPieceConnected(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum) -> Bool {
        centerRows(a, b).feasible
    }

    /// The lower bound for uniform minima, P(2-piece connected) ≥ 1 − M((M²−1)/M²)^{m−2M}
    /// (vacuous, i.e. below 0, for small m). For iid uniform assignments the union bound over
    /// teachers gives the stronger 1 − M(1 − 1/M²)^m: a row is dedicated to j with probability 1/M².
    public static func twoPieceLowerBound(rows m: Int, teachers: Int) -> Double {
        let mm = Double(teachers)
        return 1 - mm * pow((mm * mm - 1) / (mm * mm), Double(m - 2 * teachers))
    }
}

/// Dirichlet(1, …, 1) sampling through GSL.
enum DirichletSampler {
    static func sample(count: Int, rng: RandomGenerator) -> [Double] {
        if count == 1 { return [1] }
        let alpha = [Double](repeating: 1, count: count)
        var theta = [Double](repeating: 0, count: count)
        gslDirichlet(rng, alpha, &theta)
        // Renormalize so the column sum is 1 to the last bit GSL's division leaves.
        let s = theta.reduce(0, +)
        return theta.map { $0 / s }
    }
}
