import Foundation
import Testing
import Support

/// End-to-end checks of `modelattice percolation sweep|mask|label`: output AND exit code of the
/// release binary, including every bad input of the contract (one line naming the problem, the
/// sysexits code, nothing written).
@Suite struct PercolationCLITests {
    static let header = "p,largest_fraction,largest_fraction_se,susceptibility,susceptibility_se,clusters_per_site,clusters_per_site_se,wrapping_any,wrapping_any_se,spanning,spanning_se,pair_connectivity,pair_connectivity_se"

    func sweepArguments(_ output: String, _ extra: [String: String] = [:]) -> [String] {
        var options = ["--dim": "2", "--size": "16", "--kind": "site", "--boundary": "periodic", "--trials": "6",
                       "--seed": "4", "--points": "5", "--pmin": "0.3", "--pmax": "0.7", "--output": output]
        options.merge(extra) { $1 }
        return ["percolation", "sweep"] + options.keys.sorted().map { "\($0)=\(options[$0]!)" }
    }

    @Test func sweepWritesContractCSVAndSidecarIndependentOfThreads() throws {
        let dir = try CLI.temporaryDirectory("perc")
        let one = try CLI.run(sweepArguments(dir + "/one.csv", ["--threads": "1"]))
        let two = try CLI.run(sweepArguments(dir + "/two.csv", ["--threads": "2"]))
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        let a = try String(contentsOfFile: dir + "/one.csv", encoding: .utf8)
        let b = try String(contentsOfFile: dir + "/two.csv", encoding: .utf8)
        #expect(a == b)
        let lines = a.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == PercolationCLITests.header)
        #expect(lines.count == 7)    // header, 5 rows, trailing newline
        let fields = lines[3].split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == 13)
        #expect(Double(fields[0]) == 0.5)
        #expect(fields[9].isEmpty && fields[10].isEmpty)          // spanning: not for periodic
        #expect(Double(fields[7]).map { $0 > 0 && $0 < 1 } == true)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/one.json"))) as! [String: Any]
        #expect(json["seed"] as? Int == 4)
        #expect(json["generator"] as? String == "mt19937")
        #expect((json["configuration"] as? [String: Any])?["trials"] as? Int == 6)
        #expect(json["wallSeconds"] == nil)    // timing lives in the run sidecar, so reruns rewrite one.json byte for byte
        let timing = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/one.run.json"))) as! [String: Any]
        #expect(timing["wallSeconds"] is Double)
        #expect(!FileManager.default.fileExists(atPath: dir + "/one.csv.partial.jsonl"))
        // Open boundaries: wrapping empty, spanning filled; GSL_RNG_TYPE is honoured.
        let open = try CLI.run(sweepArguments(dir + "/open.csv", ["--boundary": "open", "--kind": "bond"]),
                               environment: ProcessInfo.processInfo.environment.merging(["GSL_RNG_TYPE": "taus2"]) { $1 })
        #expect(open.status == 0, "\(open.stderr)")
        let row = try String(contentsOfFile: dir + "/open.csv", encoding: .utf8).split(separator: "\n")[2]
            .split(separator: ",", omittingEmptySubsequences: false)
        #expect(row[7].isEmpty && row[8].isEmpty && !row[9].isEmpty)
        let openJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/open.json"))) as! [String: Any]
        #expect(openJSON["generator"] as? String == "taus2")
    }

    @Test(arguments: [
        (["--dim": "0"], "dimension"), (["--size": "1"], "side"), (["--dim": "3", "--size": "2000"], "2^31"),
        (["--pmin": "-0.1"], "[0, 1]"), (["--pmax": "1.2"], "[0, 1]"), (["--pmin": "0.8", "--pmax": "0.2"], "swap"),
        (["--trials": "0"], "trials"), (["--points": "0"], "points"), (["--rng": "nosuchrng"], "generator"),
    ])
    func sweepRejectsBadInputWithUsageExit(extra: [String: String], mention: String) throws {
        let dir = try CLI.temporaryDirectory("perc")
        let outcome = try CLI.run(sweepArguments(dir + "/bad.csv", extra))
        #expect(outcome.status == 64, "\(extra): \(outcome.stderr)")
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains(mention), "\(extra): \(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "\(extra) wrote something")
    }

    @Test func sweepToUnwritablePlaceIsAnIOError() throws {
        let outcome = try CLI.run(sweepArguments("/proc/no/such/dir/out.csv"))
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    /// Ctrl-C during a sweep leaves the finished trials in a checkpoint; the same command resumes
    /// from them and writes the same CSV as an uninterrupted run.
    @Test func interruptedSweepResumes() throws {
        let dir = try CLI.temporaryDirectory("perc")
        let extra = ["--size": "512", "--trials": "120", "--threads": "2", "--points": "3"]
        let uninterrupted = try CLI.run(sweepArguments(dir + "/full.csv", extra))
        #expect(uninterrupted.status == 0)
        let output = dir + "/resumed.csv"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = sweepArguments(output, extra)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let partial = output + ".partial.jsonl"
        // Wait until some trials are recorded, then interrupt.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: partial, encoding: .utf8), text.split(separator: "\n").count >= 4 { break }
            usleep(2000)
        }
        // Ctrl-C's default action kills the process; the test runner may hand its children SIGINT
        // ignored, so the harshest equivalent (SIGKILL, which can tear a line mid-write) is used.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(!FileManager.default.fileExists(atPath: output))
        let saved = (try String(contentsOfFile: partial, encoding: .utf8)).split(separator: "\n").count - 1
        #expect(saved >= 3 && saved < 120)
        let resumed = try CLI.run(sweepArguments(output, extra))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == String(contentsOfFile: dir + "/full.csv", encoding: .utf8))
        let json = try String(contentsOfFile: dir + "/resumed.json", encoding: .utf8)
        #expect(json.contains("resumed with"))
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test func maskThenLabel() throws {
        let dir = try CLI.temporaryDirectory("perc")
        let mask = try CLI.run(["percolation", "mask", "--dim", "3", "--size", "12", "--p", "0.3116",
                                "--seed", "8", "--output", dir + "/m.npy"])
        #expect(mask.status == 0, "\(mask.stderr)")
        let array = try NPYArray.read(from: dir + "/m.npy")
        #expect(array.dtype == .bool && array.shape == [12, 12, 12])
        let occupied = array.bytes.filter { $0 != 0 }.count
        #expect(occupied > 400 && occupied < 680)           // 1728 · 0.3116 = 538 ± 19
        let label = try CLI.run(["percolation", "label", "--mask", dir + "/m.npy", "--boundary", "open",
                                 "--histogram", dir + "/h.csv"])
        #expect(label.status == 0, "\(label.stderr)")
        let lines = label.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == "sites,occupied,clusters,largest,second_largest,wrapping_any,spanning,pair_connectivity")
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields[0] == "1728" && Int(fields[1]) == occupied && fields[5].isEmpty && (fields[6] == "0" || fields[6] == "1"))
        let histogram = try String(contentsOfFile: dir + "/h.csv", encoding: .utf8).split(separator: "\n")
        #expect(histogram[0] == "size,count")
        let pairs = histogram.dropFirst().map { $0.split(separator: ",").map { Int($0)! } }
        #expect(pairs.reduce(0) { $0 + $1[0] * $1[1] } == occupied)
        #expect(pairs.reduce(0) { $0 + $1[1] } == Int(fields[2]))
        let periodic = try CLI.run(["percolation", "label", "--mask", dir + "/m.npy", "--boundary", "periodic"])
        let periodicFields = periodic.stdout.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(periodicFields[6].isEmpty && (periodicFields[5] == "0" || periodicFields[5] == "1"))
    }

    @Test func maskAndLabelRejectBadInput() throws {
        let dir = try CLI.temporaryDirectory("perc")
        let badP = try CLI.run(["percolation", "mask", "--dim", "2", "--size", "8", "--p", "1.5", "--output", dir + "/x.npy"])
        #expect(badP.status == 64 && badP.stderr.contains("--p"))
        let badSize = try CLI.run(["percolation", "mask", "--dim", "2", "--size", "1", "--p", "0.5", "--output", dir + "/x.npy"])
        #expect(badSize.status == 64)
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.npy"))

        try Data("not numpy at all".utf8).write(to: URL(fileURLWithPath: dir + "/text.npy"))
        try NPYArray(float32: [Float](repeating: 1, count: 16), shape: [4, 4]).write(to: dir + "/float.npy")
        try NPYArray(uint8: [UInt8](repeating: 1, count: 12), shape: [3, 4]).write(to: dir + "/rect.npy")
        for (file, code, mention) in [("missing.npy", Int32(74), "no such file"), ("text.npy", 65, "not a .npy"),
                                      ("float.npy", 65, "dtype"), ("rect.npy", 65, "hypercubic")] {
            let outcome = try CLI.run(["percolation", "label", "--mask", dir + "/" + file,
                                       "--histogram", dir + "/hist-" + file + ".csv"])
            #expect(outcome.status == code, "\(file): \(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count == 1 && outcome.stderr.contains(mention), "\(file): \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir + "/hist-" + file + ".csv"))
        }
    }
}
