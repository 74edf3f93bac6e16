import Foundation
import Testing
import TestSupport

/// End-to-end checks of `modelattice percolation field`: the CSV contracts, the sidecar, thread
/// independence, and every bad input of the contract (one line, exit 64, nothing written).
@Suite struct PercolationFieldCLITests {
    static let header = "trial,dim,size,correlation,open_fraction,largest_fraction,pair_connectivity,spanning,wrapping_any,clusters"

    func arguments(_ output: String, _ extra: [String: String] = [:]) -> [String] {
        var options = ["--dim": "2", "--size": "24", "--correlation": "gaussian:2", "--open-fraction": "0.5",
                       "--trials": "5", "--seed": "3", "--output": output, "--quiet": ""]
        options.merge(extra) { $1 }
        return ["percolation", "field"] + options.keys.sorted().map { options[$0]!.isEmpty ? $0 : "\($0)=\(options[$0]!)" }
    }

    /// `--boundary open`: the same columns, nothing wraps, and the covariance runs r = 0 … L − 1 with
    /// the far end uncorrelated (C(23) at ξ = 2 is 0 to double precision; on the torus of side 24 a
    /// lag of 23 is a lag of 1).
    @Test func openBoundaryBoxHasItsOwnCovarianceRange() throws {
        let dir = try TemporaryDirectory.make("field")
        let run = try CLI.run(arguments(dir + "/box.csv", ["--boundary": "open", "--correlation-output": dir + "/c.csv"]))
        #expect(run.status == 0, "\(run.stderr)")
        let table = try CLI.csv(dir + "/box.csv")
        #expect(table.header.joined(separator: ",") == PercolationFieldCLITests.header)
        #expect(table.rows.count == 5 && table.rows.allSatisfy { $0[8] == "0" && $0[4] == "0.5" })
        let covariance = try CLI.csv(dir + "/c.csv")
        #expect(covariance.header == ["r", "c_target", "c_measured"] && covariance.rows.count == 24)
        #expect(abs(Double(covariance.rows[23][2])!) < 0.15, "\(covariance.rows[23])")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/box.json"))) as! [String: Any]
        #expect((json["notes"] as? [String])?.contains { $0.contains("on the torus of side 48, the box of side 24 cut from it") } == true)
    }

    @Test func writesContractCSVsIndependentOfThreads() throws {
        let dir = try TemporaryDirectory.make("field")
        let one = try CLI.run(arguments(dir + "/one.csv", ["--threads": "1", "--correlation-output": dir + "/c1.csv"]))
        let two = try CLI.run(arguments(dir + "/two.csv", ["--threads": "2", "--correlation-output": dir + "/c2.csv"]))
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        let a = try String(contentsOfFile: dir + "/one.csv", encoding: .utf8)
        #expect(a == (try String(contentsOfFile: dir + "/two.csv", encoding: .utf8)))
        #expect(try String(contentsOfFile: dir + "/c1.csv", encoding: .utf8) == String(contentsOfFile: dir + "/c2.csv", encoding: .utf8))
        let table = try CLI.csv(dir + "/one.csv")
        #expect(table.header.joined(separator: ",") == PercolationFieldCLITests.header)
        #expect(table.rows.count == 5)
        for (t, row) in table.rows.enumerated() {
            #expect(row[0] == String(t) && row[1] == "2" && row[2] == "24" && row[3] == "gaussian:2")
            #expect(row[4] == "0.5")                                    // 288 of 576 sites
            let largest = Double(row[5])!, pair = Double(row[6])!
            #expect(largest > 0 && largest <= 0.5 && pair > 0 && pair <= 1)
            #expect(["0", "1"].contains(row[7]) && ["0", "1"].contains(row[8]) && Int(row[9])! >= 1)
        }
        let covariance = try CLI.csv(dir + "/c1.csv")
        #expect(covariance.header == ["r", "c_target", "c_measured"])   // the issue-18 contract
        #expect(covariance.rows.count == 13)                            // r = 0 … L/2
        #expect(covariance.rows[0] == ["0", "1", "1"])
        #expect(abs(Double(covariance.rows[2][1])! - exp(-0.5)) < 1e-15)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/one.json"))) as! [String: Any]
        #expect(json["seed"] as? Int == 3)
        #expect(json["experimentType"] as? String == "percolation_field")
        #expect((json["configuration"] as? [String: Any])?["correlations"] as? [String] == ["gaussian:2"])
        #expect((json["notes"] as? [String])?.contains { $0.contains("the 288 lowest values") } == true)
        #expect(json["wallSeconds"] == nil)      // timing lives in the run sidecar
        let timing = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/one.run.json"))) as! [String: Any]
        #expect(timing["wallSeconds"] is Double)
        #expect(!CLI.exists(dir + "/one.csv.partial.jsonl"))
    }

    @Test(arguments: [
        (["--correlation": "gaussian:0"], "ξ must be positive"), (["--correlation": "gaussian:-2"], "ξ must be positive"),
        (["--correlation": "power:0"], "H must lie in (0, 1)"), (["--correlation": "power:1"], "H must lie in (0, 1)"),
        (["--correlation": "power:1.5"], "H must lie in (0, 1)"), (["--correlation": "gauss:2"], "is not none"),
        (["--correlation": "gaussian:"], "is not none"), (["--correlation": "none:3"], "is not none"),
        (["--open-fraction": "0"], "(0, 1)"), (["--open-fraction": "1"], "(0, 1)"), (["--open-fraction": "1.3"], "(0, 1)"),
        (["--trials": "0"], "--trials must be at least 1 (got 0)"), (["--size": "1"], "--size must be at least 2 (got 1)"),
        (["--dim": "0"], "--dim must be at least 1 (got 0)"),
        (["--dim": "3", "--size": "1200", "--threads": "1"], "the largest side that fits at d = 3 is"),
        (["--dim": "3", "--size": "600", "--threads": "1", "--boundary": "open"], "is cut from a torus of side 1200, so the largest open box that fits is"),
        (["--dim": "4", "--size": "200", "--boundary": "open"], "an open box of side 200 is cut from a torus of side 400"),
        (["--boundary": "torus"], "Please provide one of 'periodic' and 'open'"),
    ])
    func rejectsBadInputWithUsageExit(extra: [String: String], mention: String) throws {
        let dir = try TemporaryDirectory.make("field")
        let outcome = try CLI.run(arguments(dir + "/bad.csv", extra))
        #expect(outcome.status == 64, "\(extra): \(outcome.stderr)")
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(mention), "\(extra): \(outcome.stderr)")
        #expect(CLI.files(in: dir).isEmpty, "\(extra) wrote something")
    }
}
