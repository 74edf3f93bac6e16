import COpenBLAS

/// Dense single-precision algebra on OpenBLAS (`cblas_sgemm`), row-major throughout.
///
/// Thread count: OpenBLAS keeps one global pool; ``setThreads(_:)`` calls
/// `openblas_set_num_threads`. OpenBLAS's sgemm partitions the output matrix (M and N) between
/// threads and never splits the inner dimension K, so every output element is summed by one thread
/// in the same order at any thread count; the NetworkCore tests check that a product is
/// bit-identical with 1 and 2 threads.
public enum BLAS {
    /// Sets OpenBLAS's thread count (≥ 1) for every later call in this process.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// OpenBLAS's current thread count.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// C[m, n] = alpha · op(A) · op(B) + beta · C, row-major; op(A) is [m, k], op(B) is [k, n].
    /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored.
    @inline(__always)
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // BLAS leaves C·beta; make the empty sum explicit.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
