/// The empirical covariance of a field along the lattice axes, for a field of known mean 0:
///
///     ĉ(r) = (1/d) Σ_a (1/N) Σ_x φ(x) φ(x + r·e_a),   r = 0 … R,
///
/// with periodic wrap-around. E[ĉ(r)] = C(r) exactly (no mean is estimated, so no bias from it);
/// the normalised covariance of a set of fields is then Σ ĉ(r) / Σ ĉ(0). A direct sum, independent
/// of the FFT that drew the field, so it checks the synthesis. Cost d·(R + 1)·N multiply-adds.
public enum AxisCovariance {
    /// ĉ(0…R) of `field` (shape [N], C order of `lattice`, periodic), R ≤ L − 1.
    public static func measure(_ field: [Double], lattice: HypercubicLattice, maxDistance: Int) -> [Double] {
        let n = lattice.siteCount, side = lattice.side, d = lattice.dimension
        precondition(field.count == n && maxDistance >= 0 && maxDistance < side)
        var result = [Double](repeating: 0, count: maxDistance + 1)
        field.withUnsafeBufferPointer { phi in
            for a in 0..<d {
                let stride = lattice.strides[a], span = stride * side
                for r in 0...maxDistance {
                    // Each block of `span` sites is L rows of `stride` along axis a; shifting by r
                    // rows pairs block[i] with block[i + r·stride], wrapping at the block's end.
                    let shift = r * stride
                    var sum = 0.0
                    for outer in Swift.stride(from: 0, to: n, by: span) {
                        let block = phi.baseAddress! + outer
                        for i in 0..<(span - shift) { sum += block[i] * block[i + shift] }
                        for i in (span - shift)..<span { sum += block[i] * block[i + shift - span] }
                    }
                    result[r] += sum / Double(n * d)
                }
            }
        }
        return result
    }
}
