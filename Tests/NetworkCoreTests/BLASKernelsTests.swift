import Foundation
import Testing
@testable import NetworkCore

/// The OpenBLAS kernel pin of ``BLASKernels``: which CPUs it applies to, and that the executables
/// really run the pinned kernels when the variable is unset (OpenBLAS says which at load time
/// with OPENBLAS_VERBOSE=2).
@Suite struct BLASKernelsTests {
    @Test func pinsOnlyWhereTheAVX512SubsetsAreListed() {
        let zen4 = "processor\t: 0\nflags\t\t: fpu sse2 avx fma avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16\nbugs\t\t: sysret_ss_attrs\n"
        let zen3 = "processor\t: 0\nflags\t\t: fpu sse2 avx fma avx2\n"
        let knightsLanding = "flags\t\t: avx2 avx512f avx512cd avx512er avx512pf\n"
        #expect(BLASKernels.cpuRunsPinnedKernels(cpuinfo: zen4))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: zen3))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: knightsLanding))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: ""))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: nil))
        // The override: a name pins it, `auto` pins nothing, unset or empty falls back to the CPU.
        #expect(BLASKernels.wanted(override: nil, cpuRunsPinned: true) == "SkylakeX")
        #expect(BLASKernels.wanted(override: nil, cpuRunsPinned: false) == nil)
        #expect(BLASKernels.wanted(override: "", cpuRunsPinned: true) == "SkylakeX")
        #expect(BLASKernels.wanted(override: "Haswell", cpuRunsPinned: true) == "Haswell")
        #expect(BLASKernels.wanted(override: "auto", cpuRunsPinned: true) == nil)
    }

    /// The CLI's own kernel set, as OpenBLAS reports it at load (OPENBLAS_VERBOSE=2), with the
    /// environment's OPENBLAS_CORETYPE set to `environmentCore` and the override to `override`.
    static func cores(environmentCore: String?, override: String?) throws -> (status: Int32, cores: [String]) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let binary = ProcessInfo.processInfo.environment["MODELATTICE_CLI_BINARY"] ?? root + "/.build/release/modelattice"
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_CORETYPE"] = environmentCore
        env["MODELATTICE_BLAS_CORETYPE"] = override
        env["OPENBLAS_VERBOSE"] = "2"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--version"]
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        _ = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let cores = String(decoding: errData, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("Core: ") }.map { String($0.dropFirst(6)) }
        return (process.terminationStatus, cores)
    }

    @Test func theCLIRunsThePinnedKernels() throws {
        let pinned = BLASKernels.cpuRunsPinnedKernels()
        // The environment asks for Haswell (as this project's machines do): pinned anyway.
        let a = try Self.cores(environmentCore: "Haswell", override: nil)
        #expect(a.status == 0)
        #expect(a.cores == (pinned ? ["Haswell", "SkylakeX"] : ["Haswell"]), "\(a.cores)")
        // Unset: OpenBLAS's own choice at load, then SkylakeX after the re-execution (no second
        // re-execution when it already runs SkylakeX).
        let b = try Self.cores(environmentCore: nil, override: nil)
        #expect(b.cores.last == (pinned ? "SkylakeX" : b.cores.first) && (b.cores.count == 1 || b.cores.count == 2), "\(b.cores)")
        let c = try Self.cores(environmentCore: "SkylakeX", override: nil)
        #expect(c.cores == (pinned ? ["SkylakeX"] : c.cores) && c.cores.count == 1, "\(c.cores)")
        // The override wins: auto leaves the environment's choice, a name pins it.
        #expect(try Self.cores(environmentCore: "Haswell", override: "auto").cores == ["Haswell"])
        #expect(try Self.cores(environmentCore: nil, override: "Haswell").cores.last == "Haswell")
    }
}
