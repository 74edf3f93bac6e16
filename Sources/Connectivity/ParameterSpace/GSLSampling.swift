@preconcurrency import CGSL
import Support

/// Thin wrappers over the GSL distributions the parameter-space experiments draw from.

/// θ ~ Dirichlet(α) (GSL `gsl_ran_dirichlet`). Shapes: alpha [K], theta [K].
func gslDirichlet(_ rng: RandomGenerator, _ alpha: [Double], _ theta: inout [Double]) {
    alpha.withUnsafeBufferPointer { a in
        theta.withUnsafeMutableBufferPointer { t in
            gsl_ran_dirichlet(rng.pointer, a.count, a.baseAddress, t.baseAddress)
        }
    }
}

/// A point uniform on the unit sphere S^{n−1} (GSL `gsl_ran_dir_nd`). Shape [n].
public func uniformOnSphere(dimension n: Int, rng: RandomGenerator) -> [Double] {
    var x = [Double](repeating: 0, count: n)
    x.withUnsafeMutableBufferPointer { gsl_ran_dir_nd(rng.pointer, n, $0.baseAddress) }
    return x
}
