import Foundation

/// A baseline step timed by a Python script of `scripts/bench/` (numpy or PyTorch), run by the
/// project's `.venv/bin/python` (installed by `scripts/interop/install.sh`; `MODELATTICE_PYTHON`
/// overrides it). The script times its own loop and prints one line
/// "<name> wall_ms=<median per step> cpu_ms=<process CPU per step> …".
struct PythonBaseline {
    let script: String
    let python: String

    /// nil when the interpreter or the script is missing (the bench then says so).
    init?(script: String) {
        let env = ProcessInfo.processInfo.environment
        let python = env["MODELATTICE_PYTHON"] ?? ".venv/bin/python"
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: python), fm.fileExists(atPath: script) else { return nil }
        self.script = script
        self.python = python
    }

    /// Runs the script once; (wall, cpu) seconds per step, or nil when it fails (e.g. numpy not
    /// importable).
    func run(arguments: [String], environment extra: [String: String] = [:]) -> (wall: Double, cpu: Double)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let text = String(data: data, encoding: .utf8) else { return nil }
        func field(_ name: String) -> Double? {
            guard let part = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first(where: { $0.hasPrefix(name + "=") }) else { return nil }
            return Double(part.dropFirst(name.count + 1))
        }
        guard let wall = field("wall_ms"), let cpu = field("cpu_ms") else { return nil }
        return (wall / 1e3, cpu / 1e3)
    }
}

/// Process CPU time (all threads) in seconds.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
