import Foundation
import Testing
import TestSupport

/// `--replicates K` on the built binary: K = 1 is the run without the flag, K = 2 adds the
/// replicate column and the summary file, K = 0 is a one-line usage error (exit 64).
@Suite struct ReplicatesCLITests {
    private static let teacherStudent = ["params", "teacher-student", "--setup", "relu", "--teachers", "3", "--width-list", "6,12",
                                         "--pairs", "20", "--points", "11", "--seed", "3", "--threads", "2", "--quiet"]

    @Test func oneReplicateIsTheRunWithoutTheFlagAndTwoAddTheSummary() throws {
        let dir = try TemporaryDirectory.make("replicates-cli")
        let plain = try CLI.run(Self.teacherStudent + ["--output", dir + "/plain.csv"])
        let one = try CLI.run(Self.teacherStudent + ["--replicates", "1", "--output", dir + "/one.csv"])
        let two = try CLI.run(Self.teacherStudent + ["--replicates", "2", "--output", dir + "/two.csv"])
        #expect(plain.status == 0 && one.status == 0 && two.status == 0, "\(plain.stderr)\(one.stderr)\(two.stderr)")
        #expect(try String(contentsOfFile: dir + "/one.csv", encoding: .utf8) == String(contentsOfFile: dir + "/plain.csv", encoding: .utf8))
        #expect(!CLI.exists(dir + "/one_replicates.csv"))
        let table = try CLI.csv(dir + "/two.csv")
        #expect(table.header == ["replicate", "setup", "minima", "width", "depth", "statistic", "pairs", "estimate", "stderr", "bound"])
        #expect(table.rows.count == 2 * 36 && table.rows.prefix(36).allSatisfy { $0[0] == "0" } && table.rows.suffix(36).allSatisfy { $0[0] == "1" })
        // A long-format table: summarized per value of its row labels `minima` and `statistic` (text
        // columns the same in both replicates); `statistic` becomes `row_statistic` beside the
        // summary's own column.
        let summary = try CLI.csv(dir + "/two_replicates.csv")
        #expect(summary.header == ["minima", "row_statistic", "statistic", "replicates", "mean", "sd", "ci_low", "ci_high", "min", "max"])
        let labels = Set(table.rows.map { [$0[2], $0[5]] })
        #expect(labels.count >= 2 && Set(summary.rows.map { [$0[0], $0[1]] }) == labels)
        #expect(summary.rows.filter { $0[2] == "estimate" }.count == labels.count && summary.rows.allSatisfy { $0[3] == "2" })
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/two.json"))) as? [String: Any]
        #expect(sidecar?["replicates"] as? Int == 2)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// `reproduce --list --columns` on an entry with `"replicates": {"quick": 2}`: the leading
    /// replicate column and the summary file; with one replicate (tiny) neither.
    @Test func listedColumnsShowTheReplicateColumnAndSummary() throws {
        let dir = try TemporaryDirectory.make("replicates-list")
        let entry = #"{"name": "ts", "description": "d", "experiment": "teacher_student_linear", "seed": 1, "replicates": {"quick": 2}, "configuration": {"depth": 3}, "profiles": {"tiny": {"widths": [2], "pairs": 4}, "quick": {"widths": [2], "pairs": 4}, "full": {"widths": [2], "pairs": 4}}}"#
        try entry.write(toFile: dir + "/ts.json", atomically: true, encoding: .utf8)
        let quick = try CLI.run(["reproduce", "--list", "--columns", "--experiments", dir, "--results", dir + "/r"])
        #expect(quick.status == 0, "\(quick.stderr)")
        let lines = quick.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  ts.csv: replicate,") }, "\(quick.stdout)")
        #expect(lines.contains { $0.hasPrefix("  ts_replicates.csv (2 replicates): [row-label columns,]statistic,replicates,mean,") }, "\(quick.stdout)")
        let tiny = try CLI.run(["reproduce", "--list", "--columns", "--profile", "tiny", "--experiments", dir, "--results", dir + "/r"])
        #expect(tiny.status == 0 && !tiny.stdout.contains("replicate"), "\(tiny.stdout)")
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// `--replicates 0` on an input command and a parameter-space command; percolation commands
    /// do not take the flag.
    @Test(arguments: [
        ["input", "pairs", "--arch", "mlp:784-16-10", "--dataset", "synthetic", "--pairs", "2"],
        ["params", "star", "--arch", "mlp:784-16-10", "--dataset", "synthetic", "--minima", "2"],
    ])
    func zeroReplicatesExit64WithOneLine(command: [String]) throws {
        let dir = try TemporaryDirectory.make("replicates-cli-bad")
        let r = try CLI.run(command + ["--replicates", "0", "--output", dir + "/bad.csv"])
        #expect(r.status == 64, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("--replicates must be at least 1 (got 0)"), "\(r.stderr)")
        #expect(CLI.files(in: dir).isEmpty)
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func percolationCommandsDoNotTakeReplicates() throws {
        let dir = try TemporaryDirectory.make("replicates-cli-perc")
        let r = try CLI.run(["percolation", "sweep", "--dim", "2", "--size", "8", "--trials", "2", "--points", "3", "--pmin", "0.4",
                             "--pmax", "0.6", "--replicates", "2", "--output", dir + "/p.csv"])
        #expect(r.status == 64 && r.stderr.contains("--replicates"), "\(r.stderr)")
        try? FileManager.default.removeItem(atPath: dir)
    }
}
