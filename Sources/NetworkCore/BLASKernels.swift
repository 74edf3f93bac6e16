import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// One set of OpenBLAS kernels on every CPU that can run it, so a seed gives the same tables.
///
/// Debian's OpenBLAS is built with DYNAMIC_ARCH: it picks its kernels when the library is loaded,
/// by CPU model (SkylakeX on Intel AVX-512 CPUs; Cooperlake on AMD Zen 4; Haswell on older or
/// AVX2-only CPUs), or takes them from OPENBLAS_CORETYPE. The kernel sets round sgemm differently
/// in the last bits, and training carries that into every later number. Measured 2026-12-02 on
/// AMD EPYC (whose environment sets OPENBLAS_CORETYPE=Haswell): with the Haswell kernels the quick
/// `network_train_mlp` log differs from the committed one from epoch 1 on (test accuracy 0.8506
/// against 0.8492), and the claims tables move by about their replicate spread (one verdict of 24
/// changed); with OPENBLAS_CORETYPE=SkylakeX the log is byte-identical to the committed one, which
/// was made with the SkylakeX kernels, like every committed table.
///
/// ``pinForReproducibility()`` runs first in each executable. It wants the SkylakeX kernels
/// wherever the CPU has the AVX-512 subsets they use (F, CD, BW, DQ, VL in /proc/cpuinfo), whatever
/// OPENBLAS_CORETYPE says, since environments set that variable for their own reasons; when the
/// running process does not have it, it sets OPENBLAS_CORETYPE and re-executes the program (OpenBLAS
/// reads the variable only when it is loaded, before `main`). MODELATTICE_BLAS_CORETYPE overrides
/// the choice: a core name (e.g. Haswell) pins that one, `auto` leaves OpenBLAS alone. On CPUs
/// without AVX-512 nothing is pinned: reruns there are byte-identical among themselves but differ
/// from the committed tables in the last bits, and after training by more.
public enum BLASKernels {
    public static let variable = "OPENBLAS_CORETYPE"
    public static let override = "MODELATTICE_BLAS_CORETYPE"
    public static let pinned = "SkylakeX"
    static let requiredFlags: Set<String> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    /// The kernel set OpenBLAS is running (e.g. "SkylakeX", "Haswell", "Cooperlake").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Whether /proc/cpuinfo lists every AVX-512 subset the pinned kernels use (its first flags line).
    public static func cpuRunsPinnedKernels(cpuinfo: String? = readCPUInfo()) -> Bool {
        guard let cpuinfo else { return false }
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
            return requiredFlags.isSubset(of: flags)
        }
        return false
    }

    /// The core type to pin: the override's value (nil for `auto`), else SkylakeX when the CPU runs
    /// it, else nil.
    public static func wanted(override value: String?, cpuRunsPinned: Bool) -> String? {
        if let value, !value.isEmpty { return value == "auto" ? nil : value }
        return cpuRunsPinned ? pinned : nil
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

    /// Re-executes this program with OPENBLAS_CORETYPE set to the wanted core type when it is not
    /// already (see the type's note); returns without doing anything otherwise, or if the
    /// re-execution fails.
    public static func pinForReproducibility() {
        let value = getenv(override).map { String(cString: $0) }
        guard let core = wanted(override: value, cpuRunsPinned: value == nil ? cpuRunsPinnedKernels() : false) else { return }
        if let current = getenv(variable), String(cString: current) == core { return }
        let previous = getenv(variable).map { String(cString: $0) }
        setenv(variable, core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returned: it failed. Carry on with the kernels already loaded.
        if let previous { setenv(variable, previous, 1) } else { unsetenv(variable) }
    }
}
