import Support

/// A stationary Gaussian random field φ on the periodic lattice (Z/LZ)^d with mean 0, variance 1
/// and covariance E[φ(x) φ(y)] = C(x − y) of a ``FieldCorrelation``, drawn by spectral synthesis
/// (the circulant-embedding / Fourier-filtering method: Dietrich & Newsam, SIAM J. Sci. Comput.
/// 18, 1088, 1997; Makse et al., PRE 53, 5445, 1996).
///
/// The math, on N = L^d sites with k·x meaning Σ_a k_a x_a / L:
///
/// 1. Target covariance on the torus: C_T(x) = C(|x|_T), |x|_T the minimum-image distance
///    (each coordinate folded to min(x_a, L − x_a)). C_T is real and even, C_T(x) = C_T(−x).
/// 2. Its covariance matrix is circulant, so the DFT diagonalises it: the eigenvalues are
///    S(k) = Σ_x C_T(x) e^{−2πi k·x}, real and even in k. A valid covariance needs S ≥ 0; folding C
///    onto the torus can make some S(k) slightly negative (a long-range C, or ξ not ≪ L). Those are
///    clamped to 0 and the clamped share Σ_k max(−S, 0) / Σ_k |S| is recorded (``clampedShare``).
///    Then S is rescaled so that (1/N) Σ_k S(k) = 1: unit variance.
/// 3. Draw ζ(k) = a(k) + i b(k), all a, b iid N(0, 1) (GSL's `gsl_ran_gaussian_ziggurat`), and form
///        Z(x) = Σ_k √(S(k)/N) ζ(k) e^{+2πi k·x}                 (one backward FFT).
///    Then E[Z(x) Z̄(y)] = (1/N) Σ_k S(k) E|ζ|² e^{2πi k·(x−y)} = 2 C_S(x − y), with
///    C_S(x) = (1/N) Σ_k S(k) e^{2πi k·x} real, and E[Z(x) Z(y)] = 0 because E[ζ²] = E[a²] − E[b²]
///    + 2i E[ab] = 0. Hence φ = Re Z has E[φ(x) φ(y)] = ½ Re(E[Z Z̄] + E[Z Z]) = C_S(x − y):
///    exactly the (clamped, rescaled) target, and φ is Gaussian as a linear map of Gaussians.
///    (Im Z is a second, independent field with the same law; it is discarded so that every trial
///    owns one field and one seed.)
///
/// With `none`, S ≡ 1 and φ is iid N(0, 1). The k = 0 mode is kept: the field's spatial mean
/// fluctuates, with variance S(0)/N = Σ_x C_T(x)/N, as it should for a stationary field on the torus.
public struct GaussianRandomField: Sendable {
    public let lattice: HypercubicLattice
    public let correlation: FieldCorrelation
    /// √(S(k)/N) after clamping and rescaling, shape [N] in C order of k.
    let amplitude: [Double]
    /// Σ_k max(−S(k), 0) / Σ_k |S(k)| before clamping (0 for a positive-definite C_T).
    public let clampedShare: Double
    /// Number of modes k with S(k) < 0 beyond rounding (below −10^−12 times the mean |S|).
    public let negativeModes: Int
    /// The covariance the generator realises, C_S(r e_0) for r = 0…⌊L/2⌋ (C_S(0) = 1).
    public let realisedCovariance: [Double]

    /// Bytes of the shared amplitude table, per site.
    public static let sharedBytesPerSite = 8
    /// Peak bytes per site while the spectrum is computed (the complex C_T and the amplitudes).
    public static let setupBytesPerSite = 24

    /// Computes S(k) with one forward FFT of C_T (the lattice must be periodic: the field lives on
    /// the torus).
    public init(lattice: HypercubicLattice, correlation: FieldCorrelation) throws {
        guard lattice.isPeriodic else {
            throw ModeLatticeError.usage("a stationary random field is defined on the periodic lattice (got \(lattice))")
        }
        let n = lattice.siteCount, side = lattice.side, d = lattice.dimension
        let transform = try LatticeFourierTransform(lattice: lattice)
        // 1. C_T(x) from the minimum-image squared distance, accumulated axis by axis.
        var spectrum = [Double](repeating: 0, count: 2 * n)
        spectrum.withUnsafeMutableBufferPointer { c in
            for x in 0..<n {
                var r2 = 0.0
                for a in 0..<d {
                    let coordinate = (x / lattice.strides[a]) % side
                    let folded = Double(min(coordinate, side - coordinate))
                    r2 += folded * folded
                }
                c[2 * x] = correlation.covariance(squaredDistance: r2)
            }
        }
        // 2. S(k) = DFT of C_T (real up to rounding), clamp, rescale to unit variance.
        try transform.transform(&spectrum, .forward)
        var negative = 0.0, absolute = 0.0, positive = 0.0, negativeCount = 0
        for k in 0..<n {
            let s = spectrum[2 * k]
            absolute += abs(s)
            if s < 0 { negative -= s } else { positive += s }
        }
        for k in 0..<n where spectrum[2 * k] < -1e-12 * absolute / Double(n) { negativeCount += 1 }
        guard positive > 0 else {
            throw ModeLatticeError.software("the spectrum of \(correlation) on \(lattice) has no positive eigenvalue")
        }
        let scale = Double(n) / positive          // (1/N) Σ S = 1 after scaling
        var amplitude = [Double](repeating: 0, count: n)
        for k in 0..<n { amplitude[k] = (max(spectrum[2 * k], 0) * scale / Double(n)).squareRoot() }
        // The realised covariance C_S = inverse DFT of the clamped, rescaled S (for the record).
        for k in 0..<n {
            spectrum[2 * k] = max(spectrum[2 * k], 0) * scale
            spectrum[2 * k + 1] = 0
        }
        try transform.transform(&spectrum, .inverse)
        self.realisedCovariance = (0...(side / 2)).map { spectrum[2 * $0 * lattice.strides[0]] }
        self.lattice = lattice
        self.correlation = correlation
        self.amplitude = amplitude
        self.clampedShare = absolute > 0 ? negative / absolute : 0
        self.negativeModes = negativeCount
    }

    /// One field φ (shape [N], C order), its white noise drawn from `rng` in the order
    /// a(0), b(0), a(1), b(1), … over k in C order.
    public func sample(rng: RandomGenerator, transform: LatticeFourierTransform) throws -> [Double] {
        let n = lattice.siteCount
        var z = [Double](repeating: 0, count: 2 * n)
        z.withUnsafeMutableBufferPointer { z in
            amplitude.withUnsafeBufferPointer { amplitude in
                for k in 0..<n {
                    let a = amplitude[k]
                    z[2 * k] = a * rng.gaussian()
                    z[2 * k + 1] = a * rng.gaussian()
                }
            }
        }
        try transform.transform(&z, .backward)
        return [Double](unsafeUninitializedCapacity: n) { field, count in
            for x in 0..<n { field[x] = z[2 * x] }
            count = n
        }
    }
}
