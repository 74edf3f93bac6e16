import Foundation

/// A one-line progress report on stderr (done/total, rate, ETA), shown only when stderr is a
/// terminal and not silenced; redrawn at most a few times a second. Thread-safe.
public final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private var done = 0
    private var lastDraw = Date.distantPast
    private let lock = NSLockLite()

    public init(_ label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = total
        self.enabled = !quiet && isatty(2) != 0
    }

    /// Marks `n` more units done.
    public func advance(_ n: Int = 1) {
        lock.withLock {
            done += n
            guard enabled else { return }
            let now = Date()
            if now.timeIntervalSince(lastDraw) < 0.2 && done < total { return }
            lastDraw = now
            let elapsed = now.timeIntervalSince(start)
            let rate = elapsed > 0 ? Double(done) / elapsed : 0
            let eta = rate > 0 ? Double(total - done) / rate : 0
            let line = String(format: "\r%@: %d/%d  %.1f/s  ETA %.0fs   ", label, done, total, rate, eta)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Clears the line.
    public func finish() {
        lock.withLock {
            guard enabled else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
    }
}
