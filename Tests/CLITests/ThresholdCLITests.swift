import Foundation
import Testing
import TestSupport

/// `modelattice percolation threshold(s)`: output contract, exit codes and bad input, run on the
/// built binary.
@Suite struct ThresholdCLITests {
    static let header = "dim,kind,method,estimate,statistical_error,systematic_error,stderr,literature,literature_uncertainty,literature_source,z,chi2_dof,times_2d_minus_1,samples"

    @Test func thresholdPrintsHeaderAndOneRow() throws {
        let r = try CLI.run(["percolation", "threshold", "--dim", "10", "--kind", "bond", "--samples", "12",
                             "--size", "4096", "--seed", "3", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == Self.header)
        let f = lines.last?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
        #expect(f.count == 14)
        guard f.count == 14 else { return }
        #expect(f[0] == "10" && f[1] == "bond" && f[2] == "growth")
        let estimate = try #require(Double(f[3])), stderr = try #require(Double(f[6]))
        let statistical = try #require(Double(f[4])), systematic = try #require(Double(f[5]))
        #expect(abs(stderr - (statistical * statistical + systematic * systematic).squareRoot()) < 1e-12 * stderr.magnitude + 1e-18)
        #expect(f[7] == "0.0530925842")
        #expect(f[9] == "Mertens & Moore PRE 98 022120 (2018)")
        #expect(abs(try #require(Double(f[12])) - estimate * 19) < 1e-12)
        #expect(abs(try #require(Double(f[10])) - (estimate - 0.0530925842) / stderr) < 1e-6)
        #expect(try #require(Double(f[11])) > 0)
        #expect(f[13] == "12")
        #expect(abs(estimate - 0.0530925842) < 0.01 * 0.0530925842)
    }

    /// The scaling fit needs Ω, known for d = 2, 3 only; the error says which fit to use instead.
    @Test func unknownExponentNamesTheFitUsedInstead() throws {
        let r = try CLI.run(["percolation", "threshold", "--dim", "7", "--kind", "site", "--fit", "scaling"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("two-term"))
        #expect(r.stderr.split(separator: "\n").count <= 2)
    }

    @Test func autoMethodUsesWrappingInTwoDimensions() throws {
        let r = try CLI.run(["percolation", "threshold", "--dim", "2", "--kind", "site", "--samples", "8", "--seed", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").last?.hasPrefix("2,site,wrapping,0.59") == true)
    }

    @Test func thresholdsWritesTableAndSidecar() throws {
        let scratch = try TemporaryDirectory.make("thresholds")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let dir = scratch + "/out"   // not created beforehand: the command makes the output's directory
        let csv = dir + "/t.csv"
        let r = try CLI.run(["percolation", "thresholds", "--dims", "9-10", "--kinds", "bond,site", "--samples", "4",
                             "--budget", "1", "--output", csv, "--seed", "4", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.first == Self.header)
        #expect(lines.dropFirst().map { String($0.prefix(7)) } == ["9,bond,", "9,site,", "10,bond", "10,site"])
        let json = try Data(contentsOf: URL(fileURLWithPath: dir + "/t.json"))
        let record = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(record["seed"] as? Int == 4)
        #expect((record["configuration"] as? [String: Any])?["dims"] as? [Int] == [9, 10])
        #expect((record["configuration"] as? [String: Any])?["samples"] as? Int == 4)
    }

    @Test(arguments: [
        ["percolation", "threshold", "--dim", "1", "--kind", "site"],
        ["percolation", "threshold", "--dim", "65", "--kind", "site"],
        ["percolation", "threshold", "--dim", "3", "--kind", "edge"],
        ["percolation", "threshold", "--dim", "3", "--kind", "site", "--method", "magic"],
        ["percolation", "threshold", "--dim", "3", "--kind", "site", "--budget", "0"],
        ["percolation", "threshold", "--dim", "3", "--kind", "site", "--method", "wrapping"],
        ["percolation", "threshold", "--dim", "3", "--kind", "site", "--budget", "-2"],
        ["percolation", "thresholds", "--dims", "5-3", "--output", "/tmp/never-written.csv"],
        ["percolation", "thresholds", "--dims", "2-x", "--output", "/tmp/never-written.csv"],
        ["percolation", "thresholds", "--dims", "2,,4", "--output", "/tmp/never-written.csv"],
        ["percolation", "thresholds", "--dims", "1-4", "--output", "/tmp/never-written.csv"],
        ["percolation", "thresholds", "--kinds", "site,foo", "--output", "/tmp/never-written.csv"],
        ["percolation", "threshold", "--dim", "9", "--kind", "bond", "--samples", "0"],
        ["percolation", "thresholds", "--samples", "0", "--output", "/tmp/never-written.csv"],
        ["percolation", "thresholds", "--trials", "0", "--output", "/tmp/never-written.csv"],
        ["percolation", "threshold", "--dim", "9", "--kind", "bond", "--checkpoints", "4096,2048,8192,16384"],
        ["percolation", "threshold", "--dim", "9", "--kind", "bond", "--checkpoints", "2048,4096,4096,16384"],
        ["percolation", "threshold", "--dim", "9", "--kind", "bond", "--checkpoints", "2048,x,8192,16384"],
        ["percolation", "threshold", "--dim", "9", "--kind", "bond", "--fit", "scaling"],
        ["percolation", "threshold", "--dim", "9", "--kind", "bond", "--fit", "magic"],
    ])
    func badInputExits64(arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("rror"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.csv"))
    }
}
