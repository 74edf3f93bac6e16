import Foundation
import Testing
@testable import Support

/// A hand-driven clock and a collecting writer for ``ProgressLine``: no wall time involved.
private final class FakeStderr: @unchecked Sendable {
    private let lock = NSLockLite()
    private var now = 1000.0
    private var written: [String] = []
    var time: Double {
        get { lock.withLock { now } }
        set { lock.withLock { now = newValue } }
    }
    var lines: [String] { lock.withLock { written } }
    func write(_ s: String) { lock.withLock { written.append(s) } }

    func progress(_ label: String, total: Int, mode: ProgressLine.Mode) -> ProgressLine {
        ProgressLine(label, total: total, mode: mode, clock: { [unowned self] in self.time },
                     write: { [unowned self] in self.write($0) })
    }
}

@Suite struct ProgressLineTests {
    @Test func modeFollowsQuietTerminalAndRank() {
        #expect(ProgressLine.mode(quiet: true, stderrIsTerminal: true, isRoot: true) == .off)
        #expect(ProgressLine.mode(quiet: true, stderrIsTerminal: false, isRoot: true) == .off)
        #expect(ProgressLine.mode(quiet: false, stderrIsTerminal: true, isRoot: true) == .terminal)
        #expect(ProgressLine.mode(quiet: false, stderrIsTerminal: false, isRoot: true) == .plain(interval: 30))
        #expect(ProgressLine.mode(quiet: false, stderrIsTerminal: false, isRoot: false) == .off)
        #expect(ProgressLine.mode(quiet: false, stderrIsTerminal: false, isRoot: true, interval: 5) == .plain(interval: 5))
    }

    @Test func plainLineFormat() {
        #expect(ProgressLine.plainLine("star", done: 1200, total: 3000, elapsed: 31.2) == "star: 1200/3000 (40%) 31 s elapsed\n")
        #expect(ProgressLine.plainLine("star", done: 2999, total: 3000, elapsed: 99.6) == "star: 2999/3000 (99%) 100 s elapsed\n")
        #expect(ProgressLine.plainLine("sweep", done: 7, total: 7, elapsed: 2, final: true) == "sweep: 7/7 (100%) 2 s elapsed, finished\n")
        #expect(ProgressLine.plainLine("empty", done: 0, total: 0, elapsed: 0, final: true) == "empty: 0/0 (100%) 0 s elapsed, finished\n")
    }

    @Test func plainModePrintsAtMostOncePerIntervalAndOnceAtFinish() {
        let fake = FakeStderr()
        let p = fake.progress("star", total: 3000, mode: .plain(interval: 30))
        p.advance(100)                          // t = 0: nothing yet (first line one interval in)
        fake.time += 29.9
        p.advance(100)
        #expect(fake.lines.isEmpty)
        fake.time += 1.1                        // t = 31
        p.advance(1000)
        #expect(fake.lines == ["star: 1200/3000 (40%) 31 s elapsed\n"])
        fake.time += 29                         // t = 60: within 30 s of the last line
        p.advance(300)
        #expect(fake.lines.count == 1)
        fake.time += 1.5                        // t = 61.5
        p.advance(0)
        #expect(fake.lines.last == "star: 1500/3000 (50%) 62 s elapsed\n")
        fake.time += 100                        // all done: the last line is finish()'s
        p.advance(1500)
        #expect(fake.lines.count == 2)
        fake.time += 3.4                        // t = 164.9
        p.finish()
        p.finish()                              // a second finish prints nothing more
        p.clear()
        #expect(fake.lines == ["star: 1200/3000 (40%) 31 s elapsed\n", "star: 1500/3000 (50%) 62 s elapsed\n",
                               "star: 3000/3000 (100%) 165 s elapsed, finished\n"])
        #expect(!fake.lines.joined().contains("\r"))
    }

    @Test func smallIntervalAndConcurrentAdvances() {
        let fake = FakeStderr()
        let p = fake.progress("pairs", total: 4000, mode: .plain(interval: 0.5))
        // 8 threads advance 500 times each while the clock stands still: no line, exact count.
        DispatchQueue.concurrentPerform(iterations: 8) { _ in for _ in 0..<500 { p.advance() } }
        #expect(fake.lines.isEmpty)
        fake.time += 0.75
        p.finish()
        #expect(fake.lines == ["pairs: 4000/4000 (100%) 1 s elapsed, finished\n"])
    }

    @Test func offModeIsSilentAndTerminalModeRedrawsInPlace() {
        let fake = FakeStderr()
        let off = fake.progress("quiet", total: 3, mode: .off)
        off.advance(); off.advance(2); off.clear(); off.finish()
        #expect(fake.lines.isEmpty)

        let t = fake.progress("sweep", total: 10, mode: .terminal)
        t.advance()                             // drawn at once
        t.advance()                             // within 0.2 s: skipped
        fake.time += 0.25
        t.advance()
        t.clear()
        t.finish()
        #expect(fake.lines.count == 4)
        #expect(fake.lines[0].hasPrefix("\rsweep: 1/10") && fake.lines[1].hasPrefix("\rsweep: 3/10"))
        #expect(fake.lines[2] == "\r\u{1B}[K" && fake.lines[3] == "\r\u{1B}[K")
        #expect(!fake.lines.joined().contains("\n"))
    }
}
