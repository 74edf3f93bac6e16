import COpenBLAS
import Foundation
import NetworkCore
import Support

/// Benchmark group "network": sgemm rate, MLP training step, large-batch inference, convolution,
/// and BLAS thread reproducibility — each beside a baseline measured in this process.
enum NetworkBench {
    /// Naive row-major C[m, n] = A[m, k] · B[k, n] (the baseline kernel, i-k-j loop order).
    static func naiveMatmul(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int) {
        c.update(repeating: 0, count: m * n)
        for i in 0..<m {
            for p in 0..<k {
                let av = a[i * k + p]
                let brow = b + p * n, crow = c + i * n
                for j in 0..<n { crow[j] += av * brow[j] }
            }
        }
    }

    static func values(_ n: Int, seed: UInt64) -> [Float] {
        let rng = try! RandomGenerator(seed: seed)
        return (0..<n).map { _ in Float(rng.gaussian()) }
    }

    /// sgemm GFLOP/s for [m, k] · [k, n].
    static func sgemmRate(m: Int, n: Int, k: Int, runs: Int = 5) -> Double {
        let a = values(m * k, seed: 1), b = values(k * n, seed: 2)
        var c = [Float](repeating: 0, count: m * n)
        let t = Bench.median(runs: runs) {
            c.withUnsafeMutableBufferPointer { cp in
                BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: cp.baseAddress!, ldc: n)
            }
        }
        return 2 * Double(m * n * k) / t / 1e9
    }

    /// Times the training step of mlp:784-256-256-10 at batch 128 — forward, softmax cross-entropy,
    /// backward without the input gradient, plain SGD (η = 10⁻³) — the step of
    /// `scripts/bench/numpy_mlp_step.py` and `torch_mlp_step.py`. Baselines: the step's matrix
    /// products with naive loops (in this process), and numpy and PyTorch at the same thread count
    /// when the project's `.venv` has them (``PythonBaseline``).
    /// Timing alternates to share the machine's load fairly: each of `rounds` rounds times
    /// `blocks` blocks of `steps` of our steps (median), then runs each script once (its own
    /// median over `blocks` blocks of `steps`). Reported: medians over rounds of wall time per
    /// step, and of process CPU time per step (all threads; steadier on a loaded machine).
    static func trainingStep(rounds: Int = 5, blocks: Int = 3, steps: Int = 50) throws {
        var model = try Sequential.random(spec: "mlp:784-256-256-10", seed: 1)
        let batch = 128
        let x = values(batch * 784, seed: 5)
        let labels = (0..<batch).map { Int32($0 % 10) }
        let ws = Workspace(model: model, capacity: batch)
        var dz = [Float](repeating: 0, count: batch * 10)
        var sgd = SGD(learningRate: 1e-3)
        func step() {
            model.crossEntropyGradient(x, labels: labels, batch: batch, workspace: ws, logitGradient: &dz)
            sgd.step(&model.parameters, gradient: ws.parameterGradient)
        }
        // Naive baseline: the same step's matrix products with naive loops (forward 3, backward 5).
        let shapes = [(batch, 256, 784), (batch, 256, 256), (batch, 10, 256),   // forward
                      (256, 784, batch), (256, 256, batch), (10, 256, batch),   // weight gradients
                      (batch, 256, 256), (batch, 256, 10)]                       // input gradients of layers 2, 3
        let scratchA = values(784 * 784, seed: 6), scratchB = values(784 * 784, seed: 7)
        var scratchC = [Float](repeating: 0, count: 784 * 784)
        let naiveStep = Bench.median(runs: 3) {
            scratchC.withUnsafeMutableBufferPointer { c in
                for (m, n, k) in shapes { naiveMatmul(scratchA, scratchB, c.baseAddress!, m: m, n: n, k: k) }
            }
        }
        let numpy = PythonBaseline(script: "scripts/bench/numpy_mlp_step.py")
        let torch = PythonBaseline(script: "scripts/bench/torch_mlp_step.py")
        if numpy == nil {
            print("   numpy baseline not available (needs .venv/bin/python, from scripts/interop/install.sh, and scripts/bench/numpy_mlp_step.py: run from the repository root, or set MODELATTICE_PYTHON)")
        }
        func median(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.sorted()[v.count / 2] }
        let scriptArguments = ["--steps", "\(steps)", "--blocks", "\(blocks)"]
        for threads in [1, 2] {
            BLAS.setThreads(threads)
            let environment = ["OPENBLAS_NUM_THREADS": "\(threads)", "OMP_NUM_THREADS": "\(threads)"]
            for _ in 0..<steps { step() }                                    // warm-up
            var ours: [(wall: Double, cpu: Double)] = [], np: [(wall: Double, cpu: Double)] = [], pt: [(wall: Double, cpu: Double)] = []
            for _ in 0..<rounds {
                var walls: [Double] = []
                let c0 = processCPUSeconds()
                for _ in 0..<blocks {
                    let t0 = Bench.now()
                    for _ in 0..<steps { step() }
                    walls.append((Bench.now() - t0) / Double(steps))
                }
                ours.append((median(walls), (processCPUSeconds() - c0) / Double(blocks * steps)))
                if let r = numpy?.run(arguments: scriptArguments, environment: environment) { np.append(r) }
                if let r = torch?.run(arguments: scriptArguments + ["--threads", "\(threads)"], environment: environment) { pt.append(r) }
            }
            let ow = median(ours.map(\.wall)), oc = median(ours.map(\.cpu))
            Bench.report("train step mlp:784-256-256-10 b128 (\(threads) thr)", value: ow * 1e3, baseline: naiveStep * 1e3, unit: "ms")
            for (name, runs, available) in [("numpy", np, numpy != nil), ("torch", pt, torch != nil)] where available {
                guard !runs.isEmpty else {
                    print("   \(name) baseline not available (the script failed: \(name) not importable in the .venv?)")
                    continue
                }
                let bw = median(runs.map(\.wall)), bc = median(runs.map(\.cpu))
                Bench.report("  same step in \(name) (\(threads) thr)", value: ow * 1e3, baseline: bw * 1e3, unit: "ms")
                print(String(format: "   -> ours/%@ (%d thr): wall %.2f (%.3f vs %.3f ms), process CPU %.2f (%.3f vs %.3f ms); medians of %d alternations",
                             name, threads, ow / bw, ow * 1e3, bw * 1e3, oc / bc, oc * 1e3, bc * 1e3, rounds))
            }
        }
    }

    static func run() throws {
        print("== network (machine shared with other builds: timings are noisy) ==")
        // 0. The tanh activation: VectorTanh (eight lanes, Double with one rounding) against glibc's
        //    scalar tanhf over the same 2^22 pre-activations, 1 thread, median of 5.
        do {
            let x = values(1 << 22, seed: 7).map { 4 * $0 }
            var y = [Float](repeating: 0, count: x.count)
            let ours = Bench.median(runs: 5) {
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { VectorTanh.apply(xp.baseAddress!, $0.baseAddress!, count: xp.count) } }
            }
            let glibc = Bench.median(runs: 5) {
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in for i in 0..<xp.count { yp[i] = tanhf(xp[i]) } } }
            }
            Bench.report("tanh of 2^22 floats, VectorTanh vs glibc tanhf (1 thr)", value: ours * 1e3, baseline: glibc * 1e3, unit: "ms")
        }
        // 1. Raw sgemm vs naive loops: time of one 1024^3 product (naive time extrapolated ×64 from 256^3).
        for threads in [1, 2] {
            BLAS.setThreads(threads)
            let rate = sgemmRate(m: 1024, n: 1024, k: 1024)
            let a = values(256 * 256, seed: 3), b = values(256 * 256, seed: 4)
            var c = [Float](repeating: 0, count: 256 * 256)
            let tn = Bench.median(runs: 3) { c.withUnsafeMutableBufferPointer { naiveMatmul(a, b, $0.baseAddress!, m: 256, n: 256, k: 256) } }
            let ours = 2 * pow(1024.0, 3) / rate / 1e9
            Bench.report("sgemm 1024^3 product (\(threads) thr)", value: ours * 1e3, baseline: tn * 64 * 1e3, unit: "ms")
            print(String(format: "   -> sgemm %.1f GFLOP/s; naive i-k-j loops %.1f GFLOP/s", rate, 2 * pow(256.0, 3) / tn / 1e9))
        }

        // 2. Training step of mlp:784-256-256-10 at batch 128, beside naive loops, numpy and PyTorch.
        try trainingStep()

        // 3. Forward of 10^6 inputs through mlp:784-512-512-10 vs the sgemm rate at the same shapes.
        let big = try Sequential.random(spec: "mlp:784-512-512-10", seed: 2)
        let chunk = 4096
        let inputs = values(chunk * 784, seed: 8)
        let bigWS = Workspace(model: big, capacity: chunk)
        let flopsPerInput = 2.0 * Double(784 * 512 + 512 * 512 + 512 * 10)
        for threads in [1, 2] {
            BLAS.setThreads(threads)
            // sgemm-only rate for the three products of one chunk (the ceiling).
            let r1 = sgemmRate(m: chunk, n: 512, k: 784, runs: 3), r2 = sgemmRate(m: chunk, n: 512, k: 512, runs: 3)
            let r3 = sgemmRate(m: chunk, n: 10, k: 512, runs: 3)
            let ideal = (Double(784 * 512) / r1 + Double(512 * 512) / r2 + Double(512 * 10) / r3) * 2 / 1e9   // s per input
            let total = 1_000_000
            let t0 = Bench.now()
            var done = 0
            while done < total {
                let b = min(chunk, total - done)
                _ = big.forward(inputs, batch: b, workspace: bigWS)
                done += b
            }
            let t = Bench.now() - t0
            let rate = flopsPerInput * Double(total) / t / 1e9
            // Reported as time: ours vs the sgemm-only time of the same products (ratio = fraction of sgemm rate).
            Bench.report("forward 1e6 x mlp:784-512-512-10 (\(threads) thr)", value: t, baseline: ideal * Double(total), unit: "s")
            print(String(format: "   -> %.2f s for 10^6 inputs; %.0f%% of the sgemm rate at these shapes (%.1f GF/s)", t, 100 * rate / (flopsPerInput / ideal / 1e9), flopsPerInput / ideal / 1e9))
        }

        // 4. Convolution: conv 1→32 k5 p2 on 28×28, batch 64, forward + backward vs naive loops.
        BLAS.setThreads(2)
        let conv = try Sequential.random(spec: "cnn:1x28x28:c32k5p2", seed: 3)
        let cb = 64
        let cx = values(cb * 784, seed: 9), cdy = values(cb * 32 * 784, seed: 10)
        let cws = Workspace(model: conv, capacity: cb)
        let tConv = Bench.median(runs: 20, warmup: 3) {
            _ = conv.forward(cx, batch: cb, workspace: cws)
            conv.backward(cdy, batch: cb, workspace: cws)
        }
        var naiveOut = [Float](repeating: 0, count: cb * 32 * 784)
        let w = conv.parameters
        let tNaive = Bench.median(runs: 3) {
            // Forward only, direct loops (the backward costs about twice this).
            for n in 0..<cb { for o in 0..<32 { for i in 0..<28 { for j in 0..<28 {
                var s = w[32 * 25 + o]
                for u in 0..<5 { for v in 0..<5 {
                    let yy = i - 2 + u, xx = j - 2 + v
                    if yy >= 0 && yy < 28 && xx >= 0 && xx < 28 { s += w[o * 25 + u * 5 + v] * cx[n * 784 + yy * 28 + xx] }
                }}
                naiveOut[((n * 32 + o) * 28 + i) * 28 + j] = s
            }}}}
        }
        Bench.report("conv c32k5p2 28x28 b64 fwd+bwd (2 thr)", value: tConv * 1e3, baseline: 3 * tNaive * 1e3, unit: "ms")

        // 5. Thread reproducibility: OpenBLAS's own threads vs NetworkCore's fixed blocking.
        for (m, n, k) in [(128, 256, 784), (4096, 512, 784), (1024, 1024, 1024), (256, 784, 128)] {
            let a = values(m * k, seed: 11), b = values(k * n, seed: 12)
            var c1 = [Float](repeating: 0, count: m * n), c2 = c1, d1 = c1, d2 = c1
            c1.withUnsafeMutableBufferPointer { BLAS.sgemmOpenBLASThreaded(threads: 1, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: $0.baseAddress!, ldc: n) }
            c2.withUnsafeMutableBufferPointer { BLAS.sgemmOpenBLASThreaded(threads: 2, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: $0.baseAddress!, ldc: n) }
            BLAS.setThreads(1)
            d1.withUnsafeMutableBufferPointer { BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: $0.baseAddress!, ldc: n) }
            BLAS.setThreads(2)
            d2.withUnsafeMutableBufferPointer { BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: $0.baseAddress!, ldc: n) }
            let openblasDiff = zip(c1, c2).filter { $0 != $1 }.count, oursDiff = zip(d1, d2).filter { $0 != $1 }.count
            print("   sgemm \(m)x\(n)x\(k), 1 vs 2 threads: OpenBLAS threads \(openblasDiff) elements differ; NetworkCore blocking \(oursDiff) differ")
        }
        // Raw OpenBLAS threaded rate for comparison with the blocked scheme.
        for threads in [1, 2] {
            let m = 1024
            let a = values(m * m, seed: 1), b = values(m * m, seed: 2)
            var c = [Float](repeating: 0, count: m * m)
            let t = Bench.median(runs: 5) { c.withUnsafeMutableBufferPointer { BLAS.sgemmOpenBLASThreaded(threads: threads, m: m, n: m, k: m, a: a, lda: m, b: b, ldb: m, c: $0.baseAddress!, ldc: m) } }
            BLAS.setThreads(threads)
            let t2 = Bench.median(runs: 5) { c.withUnsafeMutableBufferPointer { BLAS.sgemm(m: m, n: m, k: m, a: a, lda: m, b: b, ldb: m, c: $0.baseAddress!, ldc: m) } }
            Bench.report("sgemm 1024^3 blocked vs OpenBLAS-threaded (\(threads) thr)", value: t2 * 1e3, baseline: t * 1e3, unit: "ms")
        }
    }
}
