import Foundation
import Testing
import TestSupport

/// `modelattice params teacher-student`, run as the built binary.
@Suite struct TeacherStudentCLITests {
    @Test func reluRunWritesTidyTableAndSidecar() throws {
        let dir = try TemporaryDirectory.make("ts-cli")
        let output = dir + "/relu.csv"
        let args = ["params", "teacher-student", "--setup", "relu", "--teachers", "3", "--width-list", "6,12,24",
                    "--pairs", "60", "--points", "21", "--seed", "3", "--rng", "mt19937", "--threads", "2", "--quiet", "--output", output]
        let r = try CLI.run(args)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let table = try CLI.csv(output)
        #expect(table.header == ["setup", "minima", "width", "depth", "statistic", "pairs", "estimate", "stderr", "bound"])
        #expect(table.rows.count == 2 * 3 * 9)
        // Lemma 7 agrees with the scan on every pair; centers have zero loss along both pieces.
        for row in table.rows where row[4] == "scan_agreement" { #expect(row[6] == "1") }
        for row in table.rows where row[4] == "center_path_max_loss" { #expect((Double(row[6]) ?? 1) <= 1e-10) }
        for row in table.rows where row[4] == "geodesic_ratio" { #expect((Double(row[6]) ?? 0) >= 1) }
        // Uniform 2-piece probability carries the bound; sparse does not.
        let bounds = table.rows.filter { $0[4] == "two_piece_connected" }.map { ($0[1], $0[8]) }
        #expect(bounds.filter { $0.0 == "uniform" }.allSatisfy { Double($0.1) != nil })
        #expect(bounds.filter { $0.0 == "sparse" }.allSatisfy { $0.1.isEmpty })
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/relu.json"))) as? [String: Any]
        #expect(sidecar?["seed"] as? Int == 3)
        #expect((sidecar?["configuration"] as? [String: Any])?["teachers"] as? Int == 3)
        // Same seed, other thread count: identical table.
        let again = dir + "/again.csv"
        let r2 = try CLI.run(args.map { $0 == output ? again : $0 }.map { $0 == "2" ? "1" : $0 })
        #expect(r2.status == 0)
        #expect(try String(contentsOfFile: again, encoding: .utf8) == String(contentsOfFile: output, encoding: .utf8))
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func linearRunFindsCentersAtWidth() throws {
        let dir = try TemporaryDirectory.make("ts-cli")
        let output = dir + "/linear.csv"
        let r = try CLI.run(["params", "teacher-student", "--setup", "linear", "--depth", "2", "--width-list", "4,8",
                             "--pairs", "6", "--seed", "1", "--rng", "mt19937", "--quiet", "--output", output])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let table = try CLI.csv(output)
        #expect(table.rows.count == 2 * 6)
        let connected = table.rows.filter { $0[4] == "two_piece_connected" && $0[2] == "8" }
        #expect(connected.count == 1 && connected[0][6] == "1" && connected[0][8] == "1")
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test(arguments: [
        (["--setup", "relu", "--width-list", "8,x"], "width-list"),
        (["--setup", "relu", "--width-list", "8,,16"], "width-list"),
        (["--setup", "relu", "--teachers", "4", "--width-list", "12,7"], "2M"),
        (["--setup", "cubic", "--width-list", "8"], "setup"),
        (["--setup", "linear", "--dim", "3", "--width-list", "2"], "dimension"),
        (["--setup", "linear", "--depth", "1"], "depth"),
        (["--setup", "relu", "--pairs", "0"], "pairs"),
    ])
    func badInputExits64WithOneLine(arguments: [String], mentions: String) throws {
        let dir = try TemporaryDirectory.make("ts-cli")
        let output = dir + "/bad.csv"
        let r = try CLI.run(["params", "teacher-student"] + arguments + ["--seed", "1", "--output", output])
        #expect(r.status == 64, "stderr: \(r.stderr)")
        let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.first?.contains(mentions) == true, "stderr: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        try? FileManager.default.removeItem(atPath: dir)
    }
}
