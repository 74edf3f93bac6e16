import CGSL
import Foundation
import Support

/// The Galton–Watson process that iid site percolation on Z^n becomes at large n (the Bethe
/// approximation): the root (the anchor) has Binomial(2n, P) children, every later individual
/// Binomial(N, P) with N = 2n − 1 (a site's neighbours but its parent). Loops of the lattice are
/// neglected; they change the cluster by O(1/n).
///
/// - Extinction: the probability q that one non-root individual's line dies solves
///   q = f(q), f(s) = (1 − P + P s)^N, the smallest root in [0, 1]. Solved by Newton's method on
///   g(s) = f(s) − s from s = 0: g is convex and decreasing up to its first root, so the iterates
///   rise monotonically to q (quadratically, linearly only at λ = NP = 1). q < 1 iff λ > 1.
///   The root's line survives with probability 1 − (1 − P + P q)^(2n) (≈ 1 − q at large n).
/// - Survival to size K, the quantity growth with a cap of K sites measures: P(total progeny ≥ K),
///   exactly, from the hitting-time theorem (Otter 1949; Dwass 1969): m independent lines of
///   Binomial(N, P) offspring have total progeny j with probability (m/j)·P(S_j = j − m),
///   S_j ~ Binomial(jN, P) the offspring of j individuals, so
///       P(T = 1) = (1 − P)^(2n),
///       P(T = 1 + j) = Σ_{m=1}^{min(j, 2n)} Bin(m; 2n, P) · (m/j) · Bin(j − m; jN, P),
///   and P(T ≥ K) = 1 − Σ_{s<K} P(T = s). Binomial probabilities from GSL.
public struct BranchingProcess: Sendable, Equatable {
    /// n: the lattice dimension (the root has 2n children at most, others 2n − 1).
    public var dimension: Int
    public var p: Double

    public init(dimension: Int, p: Double) throws {
        guard dimension >= 1 else { throw ModeLatticeError.usage("the dimension must be at least 1 (got \(dimension))") }
        guard p > 0 && p < 1 else { throw ModeLatticeError.usage("the open probability must lie in (0, 1) (got \(p))") }
        self.dimension = dimension
        self.p = p
    }

    /// N = 2n − 1, the offspring bound of a non-root individual.
    public var offspringBound: Int { 2 * dimension - 1 }
    /// λ = N·P, the mean offspring.
    public var meanOffspring: Double { Double(offspringBound) * p }

    /// q: the extinction probability of one non-root individual's line.
    public var extinction: Double {
        let n = Double(offspringBound), p = self.p
        guard n * p > 1 else { return 1 }                 // λ ≤ 1: extinction is certain
        var s = 0.0
        for _ in 0..<10_000 {
            let base = 1 - p + p * s
            let f = pow(base, n)
            let g = f - s
            let dg = n * p * pow(base, n - 1) - 1
            guard dg < 0 else { return 1 }           // past the minimum of g: no root below 1 but s = 1
            let next = min(1, s - g / dg)
            if next - s <= 1e-16 * max(1, s) { return next }
            s = next
        }
        return s
    }

    /// The probability that the root's line never dies: 1 − (1 − P + P q)^(2n).
    public var survival: Double {
        1 - pow(1 - p + p * extinction, Double(2 * dimension))
    }

    /// P(total progeny ≥ K): the probability that growth reaches a cap of K sites.
    public func survival(toSize k: Int) -> Double {
        guard k > 1 else { return 1 }
        let rootN = UInt32(2 * dimension), n = offspringBound, p = self.p
        var below = gsl_ran_binomial_pdf(0, p, rootN)               // P(T = 1)
        for j in 1..<(k - 1) {                                      // T = 1 + j < K
            var t = 0.0
            for m in 1...min(j, 2 * dimension) {
                let root = gsl_ran_binomial_pdf(UInt32(m), p, rootN)
                if root < 1e-300 { if Double(m) > Double(rootN) * p { break } else { continue } }
                t += root * Double(m) / Double(j) * gsl_ran_binomial_pdf(UInt32(j - m), p, UInt32(j * n))
            }
            below += t
        }
        return max(0, 1 - below)
    }

    /// Monte Carlo estimate of P(total progeny ≥ K) over `trials` processes (GSL binomials, one
    /// generation at a time: the offspring of `alive` individuals is Binomial(alive·N, P)). An
    /// independent check of ``survival(toSize:)``.
    public func simulatedSurvival(toSize k: Int, trials: Int, rng: RandomGenerator) -> Double {
        var reached = 0
        for _ in 0..<trials {
            var alive = Int(gsl_ran_binomial(rng.pointer, p, UInt32(2 * dimension)))
            var total = 1 + alive
            while alive > 0 && total < k {
                alive = Int(gsl_ran_binomial(rng.pointer, p, UInt32(alive * offspringBound)))
                total += alive
            }
            if total >= k { reached += 1 }
        }
        return Double(reached) / Double(max(trials, 1))
    }
}
