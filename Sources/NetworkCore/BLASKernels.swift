import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// One set of OpenBLAS kernels on every CPU that can run it, so a seed gives the same tables.
///
/// Debian's OpenBLAS is built with DYNAMIC_ARCH: it picks its kernels when the library is loaded,
/// by CPU model. Intel CPUs with AVX-512 get the SkylakeX kernels, AMD Zen and older Intel CPUs
/// the Haswell ones. The two round sgemm differently in the last bits, which training then carries
/// into every later number (measured 2026-12-02 on AMD EPYC: the quick `network_train_mlp` log
/// with the Haswell kernels differs from the one made with SkylakeX from epoch 1 on, test accuracy
/// 0.8506 against 0.8492; forcing SkylakeX there reproduces the SkylakeX log byte for byte).
///
/// ``pinForReproducibility()`` runs first in each executable: when OPENBLAS_CORETYPE is unset and
/// the CPU has AVX2 and FMA (what the Haswell kernels use: every x86-64 CPU since 2013–2015), it
/// sets OPENBLAS_CORETYPE=Haswell and re-executes the program (OpenBLAS reads the variable only
/// when it is loaded, before `main`). Haswell, not SkylakeX, because it runs on far more machines
/// (this project's machines set OPENBLAS_CORETYPE=Haswell themselves). A user's own
/// OPENBLAS_CORETYPE is respected; on CPUs without AVX2/FMA nothing changes. Either way a rerun
/// on the same machine is byte-identical; only tables made with other kernels differ in the last
/// bits.
public enum BLASKernels {
    public static let variable = "OPENBLAS_CORETYPE"
    public static let pinned = "Haswell"
    static let requiredFlags: Set<String> = ["avx2", "fma"]

    /// The kernel set OpenBLAS is running (e.g. "Haswell", "SkylakeX", "Zen").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Whether /proc/cpuinfo lists the instruction sets the pinned kernels use (AVX2, FMA).
    public static func cpuRunsPinnedKernels(cpuinfo: String? = readCPUInfo()) -> Bool {
        guard let cpuinfo else { return false }
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
            return requiredFlags.isSubset(of: flags)
        }
        return false
    }

    public static func readCPUInfo() -> String? {
        guard let f = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > 1 << 22 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sets OPENBLAS_CORETYPE and re-executes this program when that pins the kernels (see the
    /// type's note); returns without doing anything otherwise, or if the re-execution fails.
    public static func pinForReproducibility() {
        guard getenv(variable) == nil, cpuRunsPinnedKernels() else { return }
        setenv(variable, pinned, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returned: it failed. Carry on with the kernels already loaded.
        unsetenv(variable)
    }
}
