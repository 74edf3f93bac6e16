import Foundation
import Testing
@testable import Experiments
import Support

/// A tiny claims run in process through ``ExperimentRunner`` (Fashion-MNIST from the Debian package).
@Suite struct ClaimsExperimentTests {
    static func tiny() -> ClaimsExperiment.Configuration {
        var c = ClaimsExperiment.Configuration()
        c.architectures = [.init("mlp:784-16-10")]
        (c.replicates, c.trainExamples, c.epochs, c.testExamples) = (2, 1000, 3, 300)
        (c.pairs, c.syntheticPairs, c.references, c.points, c.resamples) = (6, 2, 1, 16, 100)
        c.synthesisIterations = 512
        return c
    }

    static func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func tinyRunAggregatesReplicatesAndIsThreadIndependent() throws {
        let dir = NSTemporaryDirectory() + "claims-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = Self.tiny()
        for threads in [1, 2] {
            try ExperimentRunner.run(ClaimsExperiment(), c,
                                     outputs: ExperimentOutputs(["table": dir + "/c\(threads).csv", "replicates": dir + "/r\(threads).csv"]),
                                     settings: RunSettings(seed: 3, threads: threads, checkpoints: false))
        }
        #expect(try String(contentsOfFile: dir + "/c1.csv", encoding: .utf8) == String(contentsOfFile: dir + "/c2.csv", encoding: .utf8))
        #expect(try String(contentsOfFile: dir + "/r1.csv", encoding: .utf8) == String(contentsOfFile: dir + "/r2.csv", encoding: .utf8))

        let main = try Self.rows(dir + "/c1.csv"), reps = try Self.rows(dir + "/r1.csv")
        #expect(main.count == ClaimMeasure.readmeClaims.count)
        // The network learned something: test accuracy of both replicates well above chance (0.1).
        let accuracies = reps.filter { $0[0] == "trained_network" }.map { Double($0[4])! }
        #expect(accuracies.count == 2 && accuracies.allSatisfy { $0 > 0.3 }, "accuracies \(accuracies)")
        for (m, row) in zip(ClaimMeasure.readmeClaims, main) {
            #expect(row[0] == m.claim && row[1] == "mlp:784-16-10" && row[3] == m.statistic)
            let perReplicate = reps.filter { $0[0] == m.claim && $0[3] == m.statistic }
            #expect(perReplicate.count == 2)
            let values = perReplicate.compactMap { Double($0[4]) }.filter(\.isFinite)
            #expect(Int(row[2]) == values.count)
            // K = 2: estimate is the mean of the replicates, the interval their min–max.
            if values.count == 2 {
                #expect(abs(Double(row[4])! - (values[0] + values[1]) / 2) < 1e-12)
                #expect(Double(row[5])! == values.min()! && Double(row[6])! == values.max()!)
            }
            // Each replicate's estimate lies inside its own bootstrap interval (percentile bootstrap of these statistics).
            for r in perReplicate where Double(r[4])!.isFinite && m.statistic.hasPrefix("share") {
                #expect(Double(r[5])! <= Double(r[4])! + 1e-12 && Double(r[4])! <= Double(r[6])! + 1e-12)
                #expect((0...1).contains(Double(r[4])!))
            }
            let interval = ClaimStatistics.Interval(estimate: Double(row[4]) ?? .nan, low: Double(row[5]) ?? .nan,
                                                    high: Double(row[6]) ?? .nan)
            #expect(row[7] == (values.count < 3 ? "too few replicates" : m.null.verdict(interval)))
        }
        // Real-real pairs: the share of pairs with a barrier, per replicate, is a multiple of 1/6.
        for r in reps where r[3] == "share_gap_above_eps" {
            let v = Double(r[4])! * 6
            #expect(abs(v - v.rounded()) < 1e-9 && r[7] == "6")
        }
    }

    @Test func zeroReplicatesIsAUsageError() {
        var c = Self.tiny()
        c.replicates = 0
        #expect(throws: ModeLatticeError.self) { try ClaimsExperiment().validate(c) }
        do { try ClaimsExperiment().validate(c) } catch let e as ModeLatticeError {
            #expect(e.exitCode == 64 && e.message.contains("replicates") && e.message.contains("got 0"))
        } catch { Issue.record("unexpected \(error)") }
    }

    /// The README claims tables are the ones generated from results/claims.csv and claims_conv.csv (the markers are named after the file).
    @Test(arguments: ["claims", "claims_conv"])
    func readmeTableMatchesClaimsCSV(name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let csv = try String(contentsOf: root.appendingPathComponent("results/\(name).csv"), encoding: .utf8)
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let expected = try ClaimsMarkdown.table(csv: csv, name: name)
        let block = try #require(ClaimsMarkdown.block(in: readme, name: name), "README has no \(name) block")
        #expect(block == expected, "regenerate with: modelattice claims --markdown results/\(name).csv")
    }
}
