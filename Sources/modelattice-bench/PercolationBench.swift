import CSweepReference
import Foundation
import Percolation
import Support

// Benchmark group "percolation" (issue 17, items 6 and 7), everything on 1 thread and in one run:
//
// - the Newman–Ziff site sweep (every observable, the streaming binomial convolution, the GSL
//   random order) against two reference sweeps written in C in the bench target CSweepReference:
//   the plain one and the same prefetching the union-find words of the site and its neighbours 16
//   additions ahead (both track only the largest cluster and shuffle with xoshiro256**);
//   2D L = 1024 (4 trials) and 3D L = 128 (2 trials), periodic; the three run in turn 7 times
//   (after one warm-up round) and each ratio is the median over the 7 rounds of that round's ratio;
// - labeling 128^3 at p = 0.3116 with periodic boundaries plus cluster sizes, against
//   connected-components-3d (cc3d) + np.bincount on the same mask, run as a Python child process
//   that times its own loop (scripts/bench/cc3d_label.py; install with scripts/bench/install-cc3d.sh).
//
// The machine may be shared: wall time and the thread CPU time of the timing thread are both
// given (CPU time excludes time spent waiting for a core, not cache misses).

enum PercolationBench {
    /// CPU seconds of the calling thread so far.
    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds the calling thread spent in `body`.
    static func threadCPUTime(_ body: () throws -> Void) rethrows -> Double {
        let start = threadCPU()
        try body()
        return threadCPU() - start
    }

    /// Wall and thread CPU seconds of `body`.
    static func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        let w0 = Bench.now(), c0 = threadCPU()
        try body()
        return (Bench.now() - w0, threadCPU() - c0)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    static let alternations = 7

    static func run() throws {
        print("percolation (1 thread; shared machine: wall time and thread CPU time; median of \(alternations) alternations)")
        for (d, side, trials) in [(2, 1024, 4), (3, 128, 2)] {
            try sweepAgainstReferences(dimension: d, side: side, trials: trials)
        }
        try labelingAgainstCC3D()
    }

    /// Our sweep, the plain C sweep and the prefetching C sweep, `trials` trials each, in turn.
    static func sweepAgainstReferences(dimension d: Int, side: Int, trials: Int) throws {
        let lattice = try HypercubicLattice(dimension: d, side: side, boundary: .periodic)
        let probabilities = try NewmanZiffSweep.probabilities(points: 41, pmin: 0.2, pmax: 0.8)
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: probabilities, seed: 1)
        var ours: [(wall: Double, cpu: Double)] = [], plain = ours, prefetching = ours
        var check: Int64 = 0
        for round in 0...alternations {   // round 0 is the warm-up
            let o = try timed { for t in 0..<trials { _ = try sweep.canonicalTrial(round * trials + t) } }
            let p = timed {
                for t in 0..<trials { check &+= ml_reference_site_sweep(Int32(d), Int32(side), UInt64(round * trials + t), 0) }
            }
            let f = timed {
                for t in 0..<trials { check &+= ml_reference_site_sweep(Int32(d), Int32(side), UInt64(round * trials + t), 16) }
            }
            if round > 0 { ours.append(o); plain.append(p); prefetching.append(f) }
        }
        if check < 0 { print("  reference sweep failed (out of memory)") }
        let perSite = 1e9 / Double(trials * lattice.siteCount)
        func ratio(_ x: [(wall: Double, cpu: Double)], _ y: [(wall: Double, cpu: Double)]) -> (wall: Double, cpu: Double) {
            (median(zip(x, y).map { $0.wall / $1.wall }), median(zip(x, y).map { $0.cpu / $1.cpu }))
        }
        let a = ratio(ours, plain), b = ratio(prefetching, plain), c = ratio(ours, prefetching)
        print("sweep \(d)D L=\(side) periodic site, \(trials) trials (ns per added site, wall / thread CPU):")
        print(String(format: "  ours %.1f / %.1f   plain C %.1f / %.1f   prefetching C %.1f / %.1f",
                     median(ours.map(\.wall)) * perSite, median(ours.map(\.cpu)) * perSite,
                     median(plain.map(\.wall)) * perSite, median(plain.map(\.cpu)) * perSite,
                     median(prefetching.map(\.wall)) * perSite, median(prefetching.map(\.cpu)) * perSite))
        print(String(format: "  ratios (wall / CPU): ours / plain C %.2f / %.2f   prefetching C / plain C %.2f / %.2f   ours / prefetching C %.2f / %.2f  (target <= 1.2)",
                     a.wall, a.cpu, b.wall, b.cpu, c.wall, c.cpu))
        var orderTrial = 500
        let order = try Bench.median(runs: 5) { _ = try sweep.additionOrder(trial: orderTrial); orderTrial += 1 }
        print(String(format: "  of ours, the GSL random order (prefetching shuffle) alone: %.1f ns/site (wall)",
                     order * 1e9 / Double(lattice.siteCount)))
    }

    /// 128^3 at p = 0.3116, periodic, labels plus cluster sizes, against cc3d in a child process.
    static func labelingAgainstCC3D() throws {
        let lattice = try HypercubicLattice(dimension: 3, side: 128, boundary: .periodic)
        let mask = try IIDMask.generate(lattice: lattice, p: 0.3116, rng: RandomGenerator(seed: 7))
        var result = try ClusterLabeling.label(occupied: mask, lattice: lattice, siteLabels: true)
        var times: [(wall: Double, cpu: Double)] = []
        for _ in 0..<alternations {
            times.append(try timed { result = try ClusterLabeling.label(occupied: mask, lattice: lattice, siteLabels: true) })
        }
        let wall = median(times.map(\.wall)) * 1e3, cpu = median(times.map(\.cpu)) * 1e3
        print(String(format: "label 128^3 p=0.3116 periodic, labels + sizes: ours %.2f ms wall, %.2f ms thread CPU", wall, cpu))
        let open = try HypercubicLattice(dimension: 3, side: 128, boundary: .open)
        let openWall = try Bench.median(runs: alternations) { _ = try ClusterLabeling.label(occupied: mask, lattice: open, siteLabels: true) }
        print(String(format: "  open boundaries: %.2f ms wall", openWall * 1e3))
        let floodLargest = FloodFill.largest(mask, lattice: lattice)
        if floodLargest != result.largest { print("  MISMATCH: largest \(result.largest) vs flood fill \(floodLargest)") }
        guard let cc3d = try CC3D.time(mask: mask, lattice: lattice, runs: alternations) else {
            print("  cc3d not installed (bash scripts/bench/install-cc3d.sh)")
            return
        }
        print(String(format: "  cc3d + np.bincount %.2f ms wall, %.2f ms thread CPU (labels alone %.2f ms wall)",
                     cc3d.wall, cc3d.cpu, cc3d.labelsOnly))
        print(String(format: "  ratio ours / cc3d (wall / CPU): %.2f / %.2f  (target <= 1.0)", wall / cc3d.wall, cpu / cc3d.cpu))
        if cc3d.largest != result.largest { print("  MISMATCH: largest \(result.largest) vs cc3d \(cc3d.largest)") }
    }
}

/// The cc3d baseline: scripts/bench/cc3d_label.py under the project's .venv python, found from the
/// working directory or from the binary's location (.build/release/ → project root).
enum CC3D {
    static func projectRoot() -> String? {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        let candidates = [FileManager.default.currentDirectoryPath,
                          binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/scripts/bench/cc3d_label.py") }
    }

    /// Median wall / thread CPU / labels-only ms of cc3d's own loop and its largest cluster; nil
    /// when the .venv python or cc3d is missing.
    static func time(mask: [UInt8], lattice: HypercubicLattice, runs: Int)
        throws -> (wall: Double, cpu: Double, labelsOnly: Double, largest: Int)? {
        guard let root = projectRoot() else { return nil }
        let python = root + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
        let path = NSTemporaryDirectory() + "modelattice-cc3d-\(getpid()).npy"
        try NPYArray(dtype: .uint8, shape: lattice.shape, bytes: mask).write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root + "/scripts/bench/cc3d_label.py", path, String(runs)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = output.split(whereSeparator: \.isWhitespace)
        guard process.terminationStatus == 0, fields.count == 4,
              let wall = Double(fields[0]), let cpu = Double(fields[1]), let labels = Double(fields[2]),
              let largest = Int(fields[3]) else { return nil }
        return (wall, cpu, labels, largest)
    }
}

/// Breadth-first flood fill labeling with periodic neighbours, cluster sizes included (a check).
enum FloodFill {
    static func largest(_ mask: [UInt8], lattice: HypercubicLattice) -> Int {
        let n = lattice.siteCount
        var label = [Int32](repeating: -1, count: n)
        var queue = [Int](repeating: 0, count: n)
        var sizes: [Int] = []
        for start in 0..<n where mask[start] != 0 && label[start] < 0 {
            let id = Int32(sizes.count)
            label[start] = id
            var head = 0, tail = 1
            queue[0] = start
            while head < tail {
                let i = queue[head]; head += 1
                for a in 0..<lattice.dimension {
                    for step in [1, -1] {
                        guard let (j, _) = lattice.neighbour(of: i, axis: a, step: step) else { continue }
                        if mask[j] != 0 && label[j] < 0 { label[j] = id; queue[tail] = j; tail += 1 }
                    }
                }
            }
            sizes.append(tail)
        }
        return sizes.max() ?? 0
    }
}
