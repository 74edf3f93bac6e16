import Testing
@testable import NetworkCore
import Support

@Suite(.serialized) struct BLASTests {
    /// Blocked products: bit-identical for any worker count, and equal to naive Double loops to
    /// float accuracy, for every transpose combination and for splits along rows and columns.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func blockedProductIsThreadIndependentAndCorrect(transA: Bool, transB: Bool) {
        for (m, n, k) in [(300, 70, 200), (40, 333, 400), (5, 7, 3)] {
            let a = gaussianValues(m * k, seed: 1), b = gaussianValues(k * n, seed: 2)
            let lda = transA ? m : k, ldb = transB ? k : n
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                BLAS.setThreads(threads)
                var c = [Float](repeating: 1, count: m * n)
                c.withUnsafeMutableBufferPointer {
                    BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 2, a: a, lda: lda, b: b, ldb: ldb,
                               beta: 0.5, c: $0.baseAddress!, ldc: n)
                }
                results.append(c)
            }
            #expect(results[0] == results[1] && results[1] == results[2])
            if m * n * k > 1 << 22 { #expect(BLAS.blocking(m: m, n: n, k: k).count > 1) }
            var maxError = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k {
                        let av = Double(transA ? a[p * lda + i] : a[i * lda + p])
                        let bv = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                        s += av * bv
                    }
                    maxError = max(maxError, abs(2 * s + 0.5 - Double(results[0][i * n + j])))
                }
            }
            #expect(maxError < 1e-3)
        }
        BLAS.setThreads(2)
    }

    /// A training step of mlp:784-256-256-10 at batch 128 gives the same gradient with 1 and 2 threads.
    @Test func trainingGradientIsThreadIndependent() throws {
        let model = try Sequential.random(spec: "mlp:784-256-256-10", seed: 1)
        let x = gaussianValues(128 * 784, seed: 3)
        let labels = (0..<128).map { Int32($0 % 10) }
        BLAS.setThreads(1)
        let g1 = model.crossEntropyParameterGradient(x, labels: labels, chunk: 128).gradient
        BLAS.setThreads(2)
        let g2 = model.crossEntropyParameterGradient(x, labels: labels, chunk: 128).gradient
        #expect(g1 == g2)
    }

    /// Models evaluated concurrently from several threads (as experiments do with ParallelMap,
    /// one workspace per thread) give exactly the serial results.
    @Test func concurrentModelsMatchSerialResults() throws {
        let models = try Sequential.ensemble(spec: "mlp:784-128-10", count: 6, seed: 4)
        let x = gaussianValues(256 * 784, seed: 5)
        BLAS.setThreads(1)
        let serial = models.map { $0.outputs(x, count: 256, chunk: 256) }
        let parallel = try ParallelMap.map(count: 6, threads: 3) { i in models[i].outputs(x, count: 256, chunk: 256) }
        #expect(serial == parallel)
        BLAS.setThreads(2)
    }
}
