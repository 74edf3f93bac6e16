import Foundation

/// Progress of a long run on stderr (never stdout; it never touches results). Thread-safe.
///
/// The mode is chosen once, at construction (``mode(quiet:stderrIsTerminal:isRoot:)``):
/// - `terminal` (stderr is a terminal): one line (done/total, rate, ETA) redrawn in place with
///   carriage returns at most five times a second; ``finish()`` clears it.
/// - `plain` (stderr is a file or pipe: Slurm, `nohup`, CI): a line of its own such as
///   `star: 1200/3000 (40%) 31 s elapsed` at most every `interval` seconds (30 by default; the
///   first one `interval` after the start), and a last line at ``finish()``. Under MPI only rank 0
///   prints, since every rank counts the same units.
/// - `off` (`--quiet`).
///
/// Time comes from an injectable monotonic clock (seconds), so the throttling can be tested
/// without waiting.
public final class ProgressLine: @unchecked Sendable {
    /// How progress is shown (see the type's description).
    public enum Mode: Sendable, Equatable {
        case off
        case terminal
        /// Plain lines, at most one per `interval` seconds.
        case plain(interval: Double)
    }

    /// Seconds between two plain lines by default.
    public static let plainInterval: Double = 30

    private let label: String
    private let total: Int
    public let mode: Mode
    private let clock: @Sendable () -> Double
    private let write: @Sendable (String) -> Void
    private let start: Double
    private var done = 0
    private var lastDraw: Double
    private var finished = false
    private let lock = NSLockLite()

    /// The mode of a run: off when quiet, terminal when stderr is one, else plain lines on rank 0.
    public static func mode(quiet: Bool, stderrIsTerminal: Bool, isRoot: Bool,
                            interval: Double = plainInterval) -> Mode {
        if quiet { return .off }
        if stderrIsTerminal { return .terminal }
        return isRoot ? .plain(interval: interval) : .off
    }

    public convenience init(_ label: String, total: Int, quiet: Bool = false) {
        self.init(label, total: total,
                  mode: Self.mode(quiet: quiet, stderrIsTerminal: isatty(2) != 0, isRoot: Ranks.isRoot))
    }

    public init(_ label: String, total: Int, mode: Mode,
                clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = total
        self.mode = mode
        self.clock = clock
        self.write = write
        start = clock()
        // Terminal: draw at once; plain: the first line one interval after the start.
        lastDraw = mode == .terminal ? -Double.infinity : start
    }

    /// The plain-mode line (with its newline), e.g. `star: 1200/3000 (40%) 31 s elapsed`.
    public static func plainLine(_ label: String, done: Int, total: Int, elapsed: Double, final: Bool = false) -> String {
        let percent = total > 0 ? Int((100 * Double(done) / Double(total)).rounded(.down)) : 100
        return String(format: "%@: %d/%d (%d%%) %.0f s elapsed%@\n", label, done, total, percent,
                      max(0, elapsed), final ? ", finished" : "")
    }

    /// Marks `n` more units done.
    public func advance(_ n: Int = 1) {
        lock.withLock {
            done += n
            switch mode {
            case .off:
                return
            case .terminal:
                let now = clock()
                if now - lastDraw < 0.2 && done < total { return }
                lastDraw = now
                let elapsed = now - start
                let rate = elapsed > 0 ? Double(done) / elapsed : 0
                let eta = rate > 0 ? Double(total - done) / rate : 0
                write(String(format: "\r%@: %d/%d  %.1f/s  ETA %.0fs   ", label, done, total, rate, eta))
            case .plain(let interval):
                guard !finished else { return }
                let now = clock()
                if now - lastDraw < interval || done >= total { return }   // the last line is finish()'s
                lastDraw = now
                write(Self.plainLine(label, done: done, total: total, elapsed: now - start))
            }
        }
    }

    /// Clears the terminal line before other stderr output (nothing in the other modes).
    public func clear() {
        lock.withLock {
            if mode == .terminal { write("\r\u{1B}[K") }
        }
    }

    /// Ends the report: clears the terminal line, or prints the last plain line (once).
    public func finish() {
        lock.withLock {
            switch mode {
            case .off:
                return
            case .terminal:
                write("\r\u{1B}[K")
            case .plain:
                guard !finished else { return }
                finished = true
                write(Self.plainLine(label, done: done, total: total, elapsed: clock() - start, final: true))
            }
        }
    }
}
