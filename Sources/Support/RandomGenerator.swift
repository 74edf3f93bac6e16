@preconcurrency import CGSL

/// A GSL random-number generator (`gsl_rng`) owned by one Swift object.
///
/// All randomness in ModeLattice comes from GSL. The default algorithm is MT19937
/// (Matsumoto & Nishimura 1998); any algorithm GSL knows can be named (`mt19937`, `taus2`,
/// `ranlxd1`, …), and `GSL_RNG_TYPE` in the environment is honoured when no name is given, as in
/// `gsl_rng_env_setup`. A generator is not thread-safe: every trial owns its own, seeded from
/// ``SeedSequence`` so that results never depend on how trials are spread over threads.
///
/// Oracle (GSL reference manual): MT19937 seeded with 0 (GSL maps 0 to its default seed 4357)
/// gives the first output 4293858116.
public final class RandomGenerator {
    public let pointer: UnsafeMutablePointer<gsl_rng>
    public let algorithm: String
    public let seed: UInt64

    /// The GSL algorithm used when neither a name nor `GSL_RNG_TYPE` is given.
    public static let defaultAlgorithm = "mt19937"

    /// Names of every algorithm GSL provides, in GSL's order.
    public static var availableAlgorithms: [String] {
        var names: [String] = []
        guard var cursor = gsl_rng_types_setup() else { return names }
        while let type = cursor.pointee {
            names.append(String(cString: type.pointee.name))
            cursor += 1
        }
        return names
    }

    /// The algorithm name in force: the given one, else `GSL_RNG_TYPE`, else MT19937.
    public static func resolvedAlgorithm(_ name: String?) -> String {
        if let name, !name.isEmpty { return name }
        if let env = getenv("GSL_RNG_TYPE"), let value = String(validatingCString: env), !value.isEmpty {
            return value
        }
        return defaultAlgorithm
    }

    /// Checks that GSL knows `name`, with a one-line usage error listing a few valid names if not.
    public static func validate(algorithm name: String) throws {
        guard findType(name) != nil else {
            throw ModeLatticeError.usage(
                "unknown GSL generator '\(name)'; use a GSL name such as mt19937, taus2, ranlxd1 or gfsr4 (\(availableAlgorithms.count) known)")
        }
    }

    private static func findType(_ name: String) -> UnsafePointer<gsl_rng_type>? {
        guard var cursor = gsl_rng_types_setup() else { return nil }
        while let type = cursor.pointee {
            if String(cString: type.pointee.name) == name { return type }
            cursor += 1
        }
        return nil
    }

    /// Creates a generator of the named GSL algorithm (see ``resolvedAlgorithm(_:)``) with `seed`.
    /// GSL seeds are `unsigned long`; some algorithms use only their low 32 bits (MT19937 does).
    public init(algorithm name: String? = nil, seed: UInt64) throws {
        let resolved = RandomGenerator.resolvedAlgorithm(name)
        guard let type = RandomGenerator.findType(resolved) else {
            try RandomGenerator.validate(algorithm: resolved)
            fatalError("unreachable")
        }
        guard let rng = gsl_rng_alloc(type) else {
            throw ModeLatticeError.software("GSL could not allocate a '\(resolved)' generator")
        }
        gsl_rng_set(rng, UInt(truncatingIfNeeded: seed))
        pointer = rng
        algorithm = resolved
        self.seed = seed
    }

    deinit { gsl_rng_free(pointer) }

    /// The generator's raw output, in [min, max] of the algorithm.
    @inline(__always) public func next() -> UInt { gsl_rng_get(pointer) }

    /// Uniform on [0, 1).
    @inline(__always) public func uniform() -> Double { gsl_rng_uniform(pointer) }

    /// Uniform on (0, 1).
    @inline(__always) public func uniformPositive() -> Double { gsl_rng_uniform_pos(pointer) }

    /// Uniform integer in 0..<n (GSL's unbiased `gsl_rng_uniform_int`). Requires 0 < n ≤ range.
    @inline(__always) public func uniformInt(_ n: Int) -> Int {
        Int(gsl_rng_uniform_int(pointer, UInt(n)))
    }

    /// Gaussian with standard deviation `sigma` (GSL's ziggurat method).
    @inline(__always) public func gaussian(sigma: Double = 1) -> Double {
        gsl_ran_gaussian_ziggurat(pointer, sigma)
    }

    /// Bernoulli trial with success probability p.
    @inline(__always) public func bernoulli(_ p: Double) -> Bool {
        gsl_ran_bernoulli(pointer, p) == 1
    }

    /// Uniformly random permutation of 0..<n (Fisher–Yates driven by ``uniformInt(_:)``), as Int32.
    public func permutation(_ n: Int) -> [Int32] {
        var order = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = Int32(truncatingIfNeeded: i) }
            count = n
        }
        shuffle(&order)
        return order
    }

    /// Fisher–Yates shuffle in place.
    public func shuffle<T>(_ values: inout [T]) {
        let n = values.count
        guard n > 1 else { return }
        values.withUnsafeMutableBufferPointer { buffer in
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = uniformInt(i + 1)
                if i != j { buffer.swapAt(i, j) }
            }
        }
    }
}

/// Installs GSL's "errors are return codes" mode once per process (GSL aborts by default).
public enum GSLSetup {
    private static let installed: Void = { ml_gsl_quiet_errors() }()
    /// Idempotent and thread-safe (Swift's lazy static initialisation runs once).
    public static func once() { _ = installed }
}
