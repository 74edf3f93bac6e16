import Connectivity
import Foundation
import Testing
@testable import Experiments
import Support
import TestSupport

/// `lattice grow` and `lattice iid-growth` through ``ExperimentRunner`` at tiny sizes: rows equal
/// to the growth code called directly, generations adding up, the same bytes at 1 and 2 threads,
/// and iid survival beside the exact branching-process value.
@Suite struct LatticeGrowthExperimentTests {
    static func lines(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func iidGrowRowsAreTheGrowthCodesOwnAndThreadIndependent() throws {
        let dir = try TemporaryDirectory.make("grow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = LatticeGrowExperiment.Configuration()
        c.networks = NetworkSource(arch: "mlp:60-10", networks: 2)
        c.open = "iid:0.02"      // λ = 119 · 0.02 = 2.38: some clusters die, some reach the cap
        c.trials = 3
        c.spacings = [1]
        c.cap = 150
        for threads in [1, 2] {
            try ExperimentRunner.run(LatticeGrowExperiment(), c,
                                     outputs: ExperimentOutputs(["table": dir + "/g\(threads).csv", "generations": dir + "/gen\(threads).csv"]),
                                     settings: RunSettings(seed: 4, threads: threads))
        }
        #expect(try String(contentsOfFile: dir + "/g1.csv", encoding: .utf8) == String(contentsOfFile: dir + "/g2.csv", encoding: .utf8))
        let rows = try Self.lines(dir + "/g1.csv")
        #expect(rows[0] == LatticeGrowExperiment.columns)
        #expect(rows.count == 7)
        let generations = try Self.lines(dir + "/gen1.csv").dropFirst()
        for (i, row) in rows.dropFirst().enumerated() {
            let (k, t) = (i / 3, i % 3)
            #expect(row[0] == String(k) && row[1] == String(t) && row[3] == "iid:0.02")
            let direct = try AnchorClusterGrowth(dimension: 60, rule: .iid(0.02), cap: 150,
                                                 seed: SeedSequence.derive(4, stream: "lattice-grow-iid", index: k * 3 + t)).run(classifier: nil)
            #expect(Int(row[4]) == direct.clusterSize && row[5] == (direct.survived ? "1" : "0") && Int(row[6]) == direct.evaluations)
            let mine = generations.filter { $0[0] == row[0] && $0[1] == row[1] }
            #expect(mine.reduce(0) { $0 + Int($1[4])! } == direct.clusterSize)
            #expect(mine.reduce(0) { $0 + Int($1[5])! } == direct.evaluations)
        }
    }

    @Test func iidGrowthSurvivalMatchesTheBranchingProcess() throws {
        let dir = try TemporaryDirectory.make("iid")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = LatticeIIDGrowthExperiment.Configuration()
        (c.dimension, c.lambdas, c.trials, c.cap) = (50, [0.5, 3], 60, 200)
        for threads in [1, 2] {
            try ExperimentRunner.run(LatticeIIDGrowthExperiment(), c,
                                     outputs: ExperimentOutputs(["table": dir + "/t\(threads).csv", "thresholds": dir + "/pc.csv"]),
                                     settings: RunSettings(seed: 3, threads: threads))
        }
        #expect(try String(contentsOfFile: dir + "/t1.csv", encoding: .utf8) == String(contentsOfFile: dir + "/t2.csv", encoding: .utf8))
        let rows = try Self.lines(dir + "/t1.csv")
        #expect(rows[0] == LatticeIIDGrowthExperiment.columns && rows.count == 3)
        // λ = 0.5 is subcritical: P(total progeny ≥ 200) is below 1e-6 and no cluster gets there.
        #expect(try #require(Double(rows[1][8])) < 1e-6 && rows[1][5] == "0")
        // λ = 3: survival within 4 binomial standard errors of the exact branching value (lattice
        // loops shift it by O(1/n) = 2%, well inside 4 SE ≈ 0.2 at 60 trials).
        let deviation = try #require(Double(rows[2][10]))
        #expect(abs(deviation) < 4, "\(rows[2])")
        #expect(abs(try #require(Double(rows[2][2])) - 3.0 / 99) < 1e-15)
        let pc = try Self.lines(dir + "/pc.csv")
        #expect(pc.count == 5 && pc[1][0] == "13" && pc[1][1] == "site" && pc[3][0] == "50")
    }
}
