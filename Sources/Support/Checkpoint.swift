import Foundation

/// Append-only record of finished units of a long run, so an interrupted run resumes without
/// redoing or losing work.
///
/// The file (`OUTPUT.partial.jsonl` beside the output) starts with a line holding a fingerprint of
/// everything that determines the results (command, parameters, seed); every finished unit appends
/// one JSON line `{"index": i, "value": …}` with a single write(2). On restart the lines are read
/// back when the fingerprint matches; a torn last line (the process died mid-write) is ignored, and
/// a different fingerprint starts afresh. The file is removed once the final output is written.
public final class Checkpoint<Value: Codable & Sendable>: @unchecked Sendable {
    public let path: String
    public let fingerprint: String
    private var handle: FileHandle?
    /// Whether this process writes the file at all (set once, so read without the lock).
    private let isRecording: Bool
    private let lock = NSLockLite()
    /// Units finished before this run started (index → value).
    public private(set) var restored: [Int: Value] = [:]

    private struct Header: Codable { var fingerprint: String }
    private struct Line: Codable { var index: Int; var value: Value }

    public static func path(forOutput output: String) -> String { output + ".partial.jsonl" }

    /// Opens (and, with a matching fingerprint, reads back) the checkpoint of `output`.
    /// `enabled: false` gives a checkpoint that records nothing (for short runs and tests).
    public init(output: String, fingerprint: String, enabled: Bool = true) throws {
        path = Checkpoint.path(forOutput: output)
        self.fingerprint = fingerprint
        isRecording = enabled && Ranks.isRoot
        guard isRecording else { return }   // under MPI only rank 0 keeps the file
        let decoder = UnitRunner.decoder()
        if let data = FileManager.default.contents(atPath: path) {
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            if let first = lines.first, let header = try? decoder.decode(Header.self, from: Data(first)),
               header.fingerprint == fingerprint {
                for line in lines.dropFirst() {
                    if let entry = try? decoder.decode(Line.self, from: Data(line)) {
                        restored[entry.index] = entry.value
                    }
                }
            }
        }
        // Rewrite the file with only the valid lines (drops a torn tail, resets on mismatch).
        var text = String(decoding: try JSONEncoder().encode(Header(fingerprint: fingerprint)), as: UTF8.self) + "\n"
        let encoder = UnitRunner.encoder()
        for index in restored.keys.sorted() {
            text += String(decoding: try encoder.encode(Line(index: index, value: restored[index]!)), as: UTF8.self) + "\n"
        }
        try AtomicFile.write(text, to: path)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ModeLatticeError.io("cannot open checkpoint '\(path)' for appending")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    /// Records one finished unit (thread-safe; one write per line).
    public func record(index: Int, value: Value) {
        guard isRecording, let data = try? UnitRunner.encoder().encode(Line(index: index, value: value)) else { return }
        // `handle` is read under the lock: finish() may clear it from another thread.
        lock.withLock { handle?.write(data + Data([10])) }
    }

    /// Removes the checkpoint after the final output has been written.
    public func finish() {
        lock.withLock {
            try? handle?.close()
            handle = nil
        }
        if Ranks.isRoot { unlink(path) }
    }
}
