import Foundation

/// Runs the built `modelattice` binary (release build at the package root, or the binary named by
/// `MODELATTICE_CLI_BINARY`: `make sanitize` points it at its instrumented build), or another
/// executable such as `mpirun`, and captures its exit status, stdout and stderr; shared by the
/// end-to-end CLI tests.
enum CLI {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let binary = ProcessInfo.processInfo.environment["MODELATTICE_CLI_BINARY"] ?? root + "/.build/release/modelattice"

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], executable: String = binary, directory: String? = nil,
                    environment: [String: String]? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read stderr concurrently so neither pipe fills up and blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The names of the files in `directory` (empty if it cannot be read).
    static func files(in directory: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
    }

    /// Header and rows of a simple CSV (no quoted commas).
    static func csv(_ path: String) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let first = lines.first else { return ([], []) }
        return (first.components(separatedBy: ","), lines.dropFirst().map { $0.components(separatedBy: ",") })
    }
}
