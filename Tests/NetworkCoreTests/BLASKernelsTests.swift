import Foundation
import Testing
@testable import NetworkCore

/// The OpenBLAS kernel pin of ``BLASKernels``: which CPUs it applies to, and that the executables
/// really run the pinned kernels when the variable is unset (OpenBLAS says which at load time
/// with OPENBLAS_VERBOSE=2).
@Suite struct BLASKernelsTests {
    @Test func pinsOnlyWhereAVX2AndFMAAreListed() {
        let zen = "processor\t: 0\nflags\t\t: fpu sse sse2 avx fma avx2 avx512f\nbugs\t\t: sysret_ss_attrs\n"
        let sandyBridge = "processor\t: 0\nflags\t\t: fpu sse sse2 avx\n"
        let noFMA = "flags\t\t: avx2\n"
        #expect(BLASKernels.cpuRunsPinnedKernels(cpuinfo: zen))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: sandyBridge))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: noFMA))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: ""))
        #expect(!BLASKernels.cpuRunsPinnedKernels(cpuinfo: nil))
        // Only the first flags line counts (every core lists the same flags).
        #expect(BLASKernels.cpuRunsPinnedKernels(cpuinfo: "flags : fma avx2\nflags : sse\n"))
    }

    @Test func theCLIRunsThePinnedKernelsWhenTheVariableIsUnset() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let binary = ProcessInfo.processInfo.environment["MODELATTICE_CLI_BINARY"] ?? root + "/.build/release/modelattice"
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_CORETYPE"] = nil
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
        #expect(process.terminationStatus == 0)
        let cores = String(decoding: errData, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("Core: ") }
        if BLASKernels.cpuRunsPinnedKernels() {
            // OpenBLAS's own choice when loaded, then the pinned one after the re-execution.
            #expect(cores.last == "Core: Haswell", "\(cores)")
            #expect(cores.count == 1 || cores.count == 2, "\(cores)")
        } else {
            #expect(cores.count == 1, "\(cores)")
        }
    }
}
