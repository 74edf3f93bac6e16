import COpenBLAS
import Dispatch
import Support

/// Dense single-precision algebra on OpenBLAS (`cblas_sgemm`), row-major throughout, with results
/// that do not depend on the thread count.
///
/// Why not OpenBLAS's own threads: measured here (benchmark group "network"), OpenBLAS 0.3.21's
/// sgemm gives different bits with 1 and 2 threads (a single thread takes other kernels for small
/// products), which would make training depend on `--threads`. So OpenBLAS always runs one
/// thread per call, and ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` itself splits
/// a large product into blocks of rows (or columns) of C whose layout depends only on (m, n, k);
/// the blocks are handed to ``threads`` workers. Every element of C is computed by the same
/// single-threaded call whatever the worker count, so results are bit-identical for any
/// `--threads`.
public enum BLAS {
    private final class Setting: @unchecked Sendable {
        let lock = NSLockLite()
        var threads = 1
    }
    private static let setting: Setting = {
        openblas_set_num_threads(1)
        return Setting()
    }()

    /// Sets the number of worker threads for large products (≥ 1). OpenBLAS itself stays at one
    /// thread per call.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(1)
        setting.lock.withLock { setting.threads = max(1, n) }
    }

    /// Current worker-thread count.
    public static var threads: Int { setting.lock.withLock { setting.threads } }

    /// How a product of this size is cut: (split along rows of C?, block size, block count).
    /// A function of the sizes only — never of the thread count.
    static func blocking(m: Int, n: Int, k: Int) -> (rows: Bool, size: Int, count: Int) {
        let work = m * n * k
        let wanted = min(4, max(1, work >> 21))          // ≥ ~2 M multiply-adds per block, ≤ 4 blocks
        let rows = m >= n
        let dim = rows ? m : n
        var size = (dim + wanted - 1) / wanted
        size = ((size + 15) / 16) * 16                   // multiples of 16 rows/columns
        let count = (dim + size - 1) / size
        return (rows, size, count)
    }

    /// C[m, n] = alpha · op(A) · op(B) + beta · C, row-major; op(A) is [m, k], op(B) is [k, n].
    /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored.
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        _ = setting
        let plan = blocking(m: m, n: n, k: k)
        let ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans
        // Bit patterns of the pointers cross into the workers (pointers are not Sendable).
        let (ap, bp, cp) = (UInt(bitPattern: a), UInt(bitPattern: b), UInt(bitPattern: c))
        let block: @Sendable (Int) -> Void = { index in
            let a = UnsafePointer<Float>(bitPattern: ap)!, b = UnsafePointer<Float>(bitPattern: bp)!
            let c = UnsafeMutablePointer<Float>(bitPattern: cp)!
            let start = index * plan.size
            if plan.rows {
                let rows = min(plan.size, m - start)
                let aBlock = transA ? a + start : a + start * lda
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(rows), Int32(n), Int32(k), alpha, aBlock, Int32(lda),
                            b, Int32(ldb), beta, c + start * ldc, Int32(ldc))
            } else {
                let cols = min(plan.size, n - start)
                let bBlock = transB ? b + start * ldb : b + start
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(cols), Int32(k), alpha, a, Int32(lda),
                            bBlock, Int32(ldb), beta, c + start, Int32(ldc))
            }
        }
        let workers = min(threads, plan.count)
        if workers <= 1 {
            for i in 0..<plan.count { block(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < plan.count {
                    block(i)
                    i += workers
                }
            }
        }
    }

    /// Reference: one plain OpenBLAS call with OpenBLAS's own threads (for the benchmark only).
    public static func sgemmOpenBLASThreaded(threads: Int, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                             b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        openblas_set_num_threads(Int32(threads))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda),
                    b, Int32(ldb), 0, c, Int32(ldc))
        openblas_set_num_threads(1)
    }
}
