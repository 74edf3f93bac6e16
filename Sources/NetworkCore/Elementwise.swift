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
