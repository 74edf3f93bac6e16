/// Elementwise loops of the training step written with explicit SIMD vectors (the compiler left
/// the plain loops scalar: the pointers may alias, so it would not vectorize them).
///
/// Every lane does exactly the IEEE operations of the scalar loop it replaces, in the same order
/// (no fused multiply-add, no reassociation), so results are bit-identical to the scalar form;
/// the tail past the last full vector runs the scalar form itself.
enum Elementwise {
    typealias V = SIMD8<Float>
    static let width = V.scalarCount

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// ReLU: y = x > 0 ? x : 0 (−0 and NaN give +0, as the scalar comparison does).
    static func relu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + width <= n {
            let v = load(x + i)
            store(V(repeating: 0).replacing(with: v, where: v .> 0), y + i)
            i += width
        }
        while i < n { y[i] = x[i] > 0 ? x[i] : 0; i += 1 }
    }

    /// ReLU backward from the output: dx = y > 0 ? dy : 0.
    static func reluBackward(_ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + width <= n {
            let d = load(dy + i)
            store(V(repeating: 0).replacing(with: d, where: load(y + i) .> 0), dx + i)
            i += width
        }
        while i < n { dx[i] = y[i] > 0 ? dy[i] : 0; i += 1 }
    }

    /// acc[j] += x[j] for j < n (one addition per element: the order of a sum over rows is kept
    /// when rows are added one after another).
    static func add(_ x: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + width <= n {
            store(load(acc + i) + load(x + i), acc + i)
            i += width
        }
        while i < n { acc[i] += x[i]; i += 1 }
    }
}

extension Elementwise {
    /// Piece length for ``pieces(_:_:)``: 2¹⁶ elements (a multiple of the vector width).
    static let pieceLength = 1 << 16

    /// Calls `body(range)` for consecutive pieces of 0..<n, spread over ``Workers`` threads. The
    /// cut depends only on n; for updates where element i reads and writes only element i (the
    /// optimizers), the result does not depend on the thread count.
    static func pieces(_ n: Int, _ body: (Range<Int>) -> Void) {
        let count = (n + pieceLength - 1) / pieceLength
        if count <= 1 {
            body(0..<n)
            return
        }
        Workers.forEach(count) { p in body((p * pieceLength)..<min(n, (p + 1) * pieceLength)) }
    }
}

/// tanh of Float values, eight at a time, computed in Double and rounded once to Float (so results
/// are the correctly rounded tanh except where the Double error straddles a Float rounding
/// boundary; glibc's scalar `tanhf` took 80 % of a deep tanh network's forward pass).
///
/// With a = |x| (Double):
/// - a < 1/16: the odd series tanh a = a + a·s·(c₁ + s·(c₂ + s·(c₃ + s·(c₄ + s·c₅)))), s = a²,
///   c₁…c₅ = −1/3, 2/15, −17/315, 62/2835, −1382/155925 (truncation ≤ 0.0035·s⁶ ≈ 1e-17 relative);
/// - otherwise tanh a = (1 − e)/(1 + e), e = exp(−2b), b = min(a, 20) (tanh 20 = 1 in Double):
///   −2b = k·ln 2 + r, k = round(−2b/ln 2) (by adding 1.5·2⁵², which leaves k in the low bits),
///   ln 2 split in two (Cody–Waite) so r is exact to ~1e-19, |r| ≤ ln2/2; exp r by its Taylor
///   polynomial of degree 10 (truncation ≤ 2.2e-13 relative); 2^k built as the bits (k + 1023)·2⁵².
///   1 − e cancels at most by e/(1 − e) < 8 for a ≥ 1/16.
/// The sign of x is put back on the Float result (tanh(−0) = −0); NaN stays NaN; ±∞ gives ±1.
/// Lanes are plain IEEE operations without fused multiply-add, so the result is the same on every
/// machine; the tail past the last full vector goes through the same vector code, zero-padded.
public enum VectorTanh {
    typealias F = SIMD8<Float>
    typealias D = SIMD4<Double>

    public static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + 8 <= n {
            Elementwise.store(eight(Elementwise.load(x + i)), y + i)
            i += 8
        }
        if i < n {
            var v = F(repeating: 0)
            for j in 0..<(n - i) { v[j] = x[i + j] }
            let r = eight(v)
            for j in 0..<(n - i) { y[i + j] = r[j] }
        }
    }

    @inline(__always) static func eight(_ x: F) -> F {
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: F.self)
        let low = SIMD4<Float>(four(D(magnitude.lowHalf))), high = SIMD4<Float>(four(D(magnitude.highHalf)))
        let r = unsafeBitCast(F(lowHalf: low, highHalf: high), to: SIMD8<UInt32>.self)
            | (unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x8000_0000)
        return unsafeBitCast(r, to: F.self).replacing(with: x, where: x .!= x)
    }

    /// tanh a for a ≥ 0 (NaN lanes give garbage; `eight` puts NaN back).
    @inline(__always) static func four(_ a: D) -> D {
        let s = a * a
        let c1: Double = -1.0 / 3, c2: Double = 2.0 / 15, c3: Double = -17.0 / 315, c4: Double = 62.0 / 2835,
            c5: Double = -1382.0 / 155925
        let series = a + a * (s * (c1 + s * (c2 + s * (c3 + s * (c4 + s * c5)))))
        let b = a.replacing(with: 20, where: a .> 20)
        let z = -2 * b
        let magic: Double = 6755399441055744.0                      // 1.5·2^52
        let t = z * 1.4426950408889634 + magic                      // 1/ln 2
        let k = t - magic
        let r = (z - k * 0.6931471803691238) - k * 1.9082149292705877e-10   // ln 2 = hi + lo
        var p = D(repeating: 1.0 / 3628800)                          // 1/10!
        p = 1.0 / 362880 + r * p
        p = 1.0 / 40320 + r * p
        p = 1.0 / 5040 + r * p
        p = 1.0 / 720 + r * p
        p = 1.0 / 120 + r * p
        p = 1.0 / 24 + r * p
        p = 1.0 / 6 + r * p
        p = 0.5 + r * p
        p = 1 + r * p
        p = 1 + r * p
        let scale = unsafeBitCast((unsafeBitCast(t, to: SIMD4<UInt64>.self) &+ 1023) &<< 52, to: D.self)
        let e = p * scale
        let viaExp = (1 - e) / (1 + e)
        return viaExp.replacing(with: series, where: a .< 0.0625)
    }
}
