@preconcurrency import CGSL
import Support

/// The discrete Fourier transform on the periodic lattice (Z/LZ)^d, by GSL's mixed-radix complex
/// FFT (`gsl_fft_complex_*`, any L; fastest when L factors into 2, 3, 4, 5, 6, 7) applied along
/// each axis in turn: the d-dimensional DFT is separable,
///
///     x̂(k) = Σ_x x(x) · exp(∓2πi k·x / L) = Σ_{x_0} e^{∓2πi k_0 x_0/L} ⋯ Σ_{x_{d−1}} e^{∓2πi k_{d−1} x_{d−1}/L} x(x),
///
/// so transforming every line along axis 0, then every line along axis 1, … gives it. Lines along
/// the last axis are contiguous and transformed in place; other lines (stride L^(d−1−a)) are
/// gathered into a contiguous buffer, transformed and scattered back.
///
/// Data are complex values interleaved (re, im), 2N doubles in the lattice's C order. `forward`
/// uses exp(−2πi k·x/L), `backward` exp(+2πi k·x/L) without normalisation, `inverse` is backward
/// divided by N, so inverse(forward(x)) = x. One instance holds GSL's wavetable and workspace for
/// side L and is not thread-safe: give each thread its own.
public final class LatticeFourierTransform {
    public let lattice: HypercubicLattice
    private let wavetable: UnsafeMutablePointer<gsl_fft_complex_wavetable>
    private let workspace: UnsafeMutablePointer<gsl_fft_complex_workspace>
    private let line: UnsafeMutablePointer<Double>

    public init(lattice: HypercubicLattice) throws {
        GSLSetup.once()
        let side = lattice.side
        guard let wavetable = gsl_fft_complex_wavetable_alloc(side) else {
            throw ModeLatticeError.software("GSL could not allocate an FFT wavetable of length \(side)")
        }
        guard let workspace = gsl_fft_complex_workspace_alloc(side) else {
            gsl_fft_complex_wavetable_free(wavetable)
            throw ModeLatticeError.software("GSL could not allocate an FFT workspace of length \(side)")
        }
        self.lattice = lattice
        self.wavetable = wavetable
        self.workspace = workspace
        self.line = .allocate(capacity: 2 * side)
    }

    deinit {
        gsl_fft_complex_wavetable_free(wavetable)
        gsl_fft_complex_workspace_free(workspace)
        line.deallocate()
    }

    /// forward: exp(−2πi k·x/L); backward: exp(+2πi k·x/L), unnormalised; inverse: backward / N.
    public enum Direction: Sendable { case forward, backward, inverse }

    /// Transforms `data` (2N doubles, interleaved complex, C order) in place.
    public func transform(_ data: UnsafeMutablePointer<Double>, _ direction: Direction) throws {
        let side = lattice.side, n = lattice.siteCount
        for axis in 0..<lattice.dimension {
            let stride = lattice.strides[axis]
            let span = stride * side
            for outer in Swift.stride(from: 0, to: n, by: span) {
                for inner in 0..<stride {
                    let start = outer + inner
                    if stride == 1 {
                        try one(data + 2 * start, direction)
                        continue
                    }
                    for j in 0..<side {
                        line[2 * j] = data[2 * (start + j * stride)]
                        line[2 * j + 1] = data[2 * (start + j * stride) + 1]
                    }
                    try one(line, direction)
                    for j in 0..<side {
                        data[2 * (start + j * stride)] = line[2 * j]
                        data[2 * (start + j * stride) + 1] = line[2 * j + 1]
                    }
                }
            }
        }
    }

    /// Transforms an array of 2N doubles in place.
    public func transform(_ data: inout [Double], _ direction: Direction) throws {
        guard data.count == 2 * lattice.siteCount else {
            throw ModeLatticeError.software("FFT data have \(data.count) doubles; \(lattice) needs \(2 * lattice.siteCount)")
        }
        try data.withUnsafeMutableBufferPointer { try transform($0.baseAddress!, direction) }
    }

    private func one(_ values: UnsafeMutablePointer<Double>, _ direction: Direction) throws {
        let side = lattice.side
        let status: Int32
        switch direction {
        case .forward: status = gsl_fft_complex_forward(values, 1, side, wavetable, workspace)
        case .backward: status = gsl_fft_complex_backward(values, 1, side, wavetable, workspace)
        case .inverse: status = gsl_fft_complex_inverse(values, 1, side, wavetable, workspace)
        }
        guard status == 0 else {
            throw ModeLatticeError.software("GSL FFT of length \(side) failed with status \(status)")
        }
    }
}
