import Foundation
import Testing
import TestSupport

/// Scale-out with MPI: `mpirun -np N modelattice …` must give byte-identical CSV to one process,
/// with idle ranks (more ranks than units) finishing rather than hanging.
@Suite(.serialized) struct MPITests {
    static let mpirun = TestEnvironment.mpirun

    /// Runs `modelattice args` under mpirun with `ranks` ranks (as root too; oversubscribing the cores).
    func runMPI(ranks: Int, _ args: [String], extraEnvironment: [String: String] = [:]) throws -> CLI.Outcome {
        var env = ProcessInfo.processInfo.environment
        env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
        env["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        env.merge(extraEnvironment) { $1 }
        // Under `make sanitize` the ranks are the ASan build; OpenMPI's own MPI_Init allocations,
        // made in plugins it unloads again, would be reported as leaks at every rank's exit with
        // no stack to tell them apart, so the script asks for leak checks off in the ranks
        // (every other ASan check stays on; single-process runs keep them).
        if let options = env["MODELATTICE_MPI_ASAN_OPTIONS"] { env["ASAN_OPTIONS"] = options }
        return try CLI.run(["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), CLI.binary] + args,
                           executable: try #require(Self.mpirun), environment: env)
    }

    func sweepArgs(_ output: String, trials: Int) -> [String] {
        ["percolation", "sweep", "--dim", "2", "--size", "24", "--kind", "site", "--boundary", "periodic",
         "--trials", String(trials), "--seed", "7", "--points", "9", "--pmin", "0.5", "--pmax", "0.7",
         "--threads", "1", "--quiet", "--output", output]
    }

    @Test(.enabled(if: TestEnvironment.runs(needing: MPITests.mpirun != nil), "OpenMPI's mpirun is not installed"))
    func sweepIsByteIdenticalAtOneTwoAndThreeRanks() throws {
        let dir = try TemporaryDirectory.make("mpi")
        let single = try CLI.run(sweepArgs(dir + "/one.csv", trials: 10))
        #expect(single.status == 0, "\(single.stderr)")
        for ranks in [2, 3] {
            let r = try runMPI(ranks: ranks, sweepArgs(dir + "/mpi\(ranks).csv", trials: 10))
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try String(contentsOfFile: dir + "/mpi\(ranks).csv", encoding: .utf8)
                    == String(contentsOfFile: dir + "/one.csv", encoding: .utf8))
            // The ranks really shared the work (the sidecar records how many took part) …
            let timing = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: dir + "/mpi\(ranks).run.json"))) as? [String: Any]
            #expect(timing?["ranks"] as? Int == ranks)
            // … and only rank 0 writes: no stray temporary files, no leftover checkpoint.
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            #expect(files.allSatisfy { $0.hasSuffix(".csv") || $0.hasSuffix(".json") }, "\(files)")
        }
    }

    @Test(.enabled(if: TestEnvironment.runs(needing: MPITests.mpirun != nil), "OpenMPI's mpirun is not installed"))
    func moreRanksThanUnitsDoesNotHang() throws {
        let dir = try TemporaryDirectory.make("mpi-idle")
        let single = try CLI.run(sweepArgs(dir + "/one.csv", trials: 2))
        #expect(single.status == 0)
        let r = try runMPI(ranks: 4, sweepArgs(dir + "/four.csv", trials: 2))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: dir + "/four.csv", encoding: .utf8)
                == String(contentsOfFile: dir + "/one.csv", encoding: .utf8))
    }

    @Test(.enabled(if: TestEnvironment.runs(needing: MPITests.mpirun != nil), "OpenMPI's mpirun is not installed"))
    func aBadArgumentStopsEveryRankWithOneExitCode() throws {
        let r = try runMPI(ranks: 2, ["percolation", "sweep", "--dim", "0", "--size", "4", "--trials", "2",
                                      "--points", "3", "--pmin", "0", "--pmax", "1", "--output", "/tmp/never.csv"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--dim must be at least 1 (got 0)"))
    }

    @Test(.enabled(if: TestEnvironment.runs(needing: MPITests.mpirun != nil), "OpenMPI's mpirun is not installed"))
    func aDeadRankStopsTheRunAndTheRerunResumesToTheSameTable() throws {
        let dir = try TemporaryDirectory.make("mpi-kill")
        let single = try CLI.run(sweepArgs(dir + "/one.csv", trials: 40))
        #expect(single.status == 0)
        // Rounds are 2 ranks × 1 thread × 4 = 8 trials; rank 1 dies after the second round.
        let killed = try runMPI(ranks: 2, sweepArgs(dir + "/two.csv", trials: 40),
                                extraEnvironment: ["MODELATTICE_TEST_KILL_LAST_RANK_AFTER_ROUNDS": "2"])
        #expect(killed.status != 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/two.csv"))
        let partial = try String(contentsOfFile: dir + "/two.csv.partial.jsonl", encoding: .utf8)
        #expect(partial.split(separator: "\n").count == 1 + 16)   // header + two rounds of trials
        let resumed = try runMPI(ranks: 2, sweepArgs(dir + "/two.csv", trials: 40))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try String(contentsOfFile: dir + "/two.csv", encoding: .utf8)
                == String(contentsOfFile: dir + "/one.csv", encoding: .utf8))
        #expect(!FileManager.default.fileExists(atPath: dir + "/two.csv.partial.jsonl"))
    }
}
