@preconcurrency import CMPI
import Foundation

/// The MPI process group this run belongs to (Message Passing Interface, MPI-3; OpenMPI here).
///
/// A binary started by `mpirun`/`srun` is one of `size` ranks; started alone it is rank 0 of 1 and
/// MPI is never initialised. Independent units of work are split across ranks by index
/// (see ``UnitRunner``), all ranks receive every finished unit, so every rank computes the same
/// tables, and only rank 0 writes files (``AtomicFile`` is silent elsewhere) or prints to stdout.
public enum Ranks {
    public private(set) nonisolated(unsafe) static var rank = 0
    public private(set) nonisolated(unsafe) static var size = 1
    public private(set) nonisolated(unsafe) static var isDistributed = false
    public static var isRoot: Bool { rank == 0 }

    /// True when a launcher (OpenMPI's mpirun, Slurm's srun with PMI/PMIx) started this process.
    public static var launchedByMPI: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil || env["PMI_RANK"] != nil
    }

    /// Joins the MPI group when launched by an MPI launcher; call once at program start. Non-root
    /// ranks send their stdout to /dev/null so that results are printed once.
    public static func start() {
        guard launchedByMPI, !isDistributed else { return }
        var provided: Int32 = 0
        guard MPI_Init_thread(nil, nil, ml_mpi_thread_funneled(), &provided) == MPI_SUCCESS else {
            FileHandle.standardError.write(Data("modelattice: error: MPI_Init failed; run without mpirun or check the MPI installation\n".utf8))
            exit(70)
        }
        var r: Int32 = 0, s: Int32 = 1
        MPI_Comm_rank(ml_mpi_comm_world(), &r)
        MPI_Comm_size(ml_mpi_comm_world(), &s)
        rank = Int(r)
        size = Int(s)
        isDistributed = size > 1
        if !isDistributed { finish(); return }
        if rank != 0 {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, 1); close(null) }
        }
        atexit { Ranks.finish() }
    }

    private nonisolated(unsafe) static var finished = false

    /// Leaves the MPI group (idempotent; registered with atexit by ``start()``).
    public static func finish() {
        guard launchedByMPI, !finished else { return }
        finished = true
        var initialized: Int32 = 0, done: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&done)
        if initialized != 0 && done == 0 { MPI_Finalize() }
    }

    /// Ends every rank at once after an error on this one, with `code` as the exit status.
    public static func abort(_ code: Int32) -> Never {
        if isDistributed { MPI_Abort(ml_mpi_comm_world(), code) }
        exit(code)
    }

    /// Every rank's `payload`, in rank order, on every rank (MPI_Allgather of the sizes, then
    /// MPI_Allgatherv of the bytes). With one rank it returns `[payload]` without MPI.
    public static func allGather(_ payload: [UInt8]) throws -> [[UInt8]] {
        guard isDistributed else { return [payload] }
        var mine = Int32(payload.count)
        var counts = [Int32](repeating: 0, count: size)
        guard MPI_Allgather(&mine, 1, ml_mpi_int(), &counts, 1, ml_mpi_int(), ml_mpi_comm_world()) == MPI_SUCCESS else {
            throw ModeLatticeError.software("MPI_Allgather failed on rank \(rank)")
        }
        var displacements = [Int32](repeating: 0, count: size)
        for i in 1..<size { displacements[i] = displacements[i - 1] + counts[i - 1] }
        let total = Int(displacements[size - 1] + counts[size - 1])
        var all = [UInt8](repeating: 0, count: max(total, 1))
        var send = payload.isEmpty ? [UInt8](repeating: 0, count: 1) : payload
        let status = MPI_Allgatherv(&send, mine, ml_mpi_byte(), &all, &counts, &displacements,
                                    ml_mpi_byte(), ml_mpi_comm_world())
        guard status == MPI_SUCCESS else { throw ModeLatticeError.software("MPI_Allgatherv failed on rank \(rank)") }
        return (0..<size).map { i in
            let start = Int(displacements[i])
            return Array(all[start..<(start + Int(counts[i]))])
        }
    }

    /// Rank 0's `payload` on every rank.
    public static func broadcast(_ payload: [UInt8]) throws -> [UInt8] {
        guard isDistributed else { return payload }
        var count = Int32(payload.count)
        MPI_Bcast(&count, 1, ml_mpi_int(), 0, ml_mpi_comm_world())
        var buffer = isRoot ? payload : [UInt8](repeating: 0, count: Int(count))
        if count > 0 {
            guard MPI_Bcast(&buffer, count, ml_mpi_byte(), 0, ml_mpi_comm_world()) == MPI_SUCCESS else {
                throw ModeLatticeError.software("MPI_Bcast failed on rank \(rank)")
            }
        }
        return buffer
    }
}
