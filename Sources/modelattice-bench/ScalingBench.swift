import Foundation
import Support

/// MPI scaling: wall time of the same sweep (2D L=512 periodic, 128 trials, one thread per rank)
/// under `mpirun -np 1` (the baseline) and `-np 2`, run as child processes of this benchmark; the
/// speed-up and parallel efficiency (speed-up / ranks) are printed. The tables must be identical.
enum ScalingBench {
    static func run() throws {
        guard let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("mpi scaling: skipped (no mpirun; install openmpi-bin)")
            return
        }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("modelattice").path
        let dir = NSTemporaryDirectory() + "modelattice-scaling-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func sweep(ranks: Int) throws -> (seconds: Double, table: String) {
            let out = dir + "/np\(ranks).csv"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: mpirun)
            process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), binary,
                                 "percolation", "sweep", "--dim", "2", "--size", "512", "--kind", "site",
                                 "--boundary", "periodic", "--trials", "128", "--seed", "3", "--points", "21",
                                 "--pmin", "0.5", "--pmax", "0.7", "--threads", "1", "--quiet", "--output", out]
            process.standardOutput = FileHandle.nullDevice
            let t0 = Bench.now()
            try process.run()
            process.waitUntilExit()
            let seconds = Bench.now() - t0
            guard process.terminationStatus == 0 else {
                throw ModeLatticeError.software("mpirun -np \(ranks) exited \(process.terminationStatus)")
            }
            return (seconds, try String(contentsOfFile: out, encoding: .utf8))
        }
        _ = try sweep(ranks: 1)   // warm-up (page cache, MPI start-up)
        let one = try sweep(ranks: 1), two = try sweep(ranks: 2)
        Bench.report("mpi sweep 2D L=512 x128 trials, 2 ranks (s)", value: two.seconds, baseline: one.seconds, unit: "s")
        print(String(format: "mpi parallel efficiency at 2 ranks: %.0f%%; tables identical: %@",
                     100 * one.seconds / two.seconds / 2, one.table == two.table ? "yes" : "NO"))
        try? FileManager.default.removeItem(atPath: dir)
    }
}
