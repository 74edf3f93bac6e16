import Experiments
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct LatticeCLITests {
    static let subspaceHeader = LatticeSubspaceExperiment.columns.joined(separator: ",")

    @Test(.enabled(if: TestEnvironment.runs(needing: TestEnvironment.fashionMNISTInstalled), "dataset-fashion-mnist is not installed")) func subspaceWritesTheContractAndIsThreadIndependent() throws {
        try #require(TestEnvironment.fashionMNISTInstalled, "dataset-fashion-mnist is not installed (make test installs it)")
        let dir = try TemporaryDirectory.make("lattice")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let one = dir + "/s1.csv", two = dir + "/s2.csv", summary = dir + "/sum.csv"
        let base = ["lattice", "subspace", "--arch", "mlp:784-16-10", "--networks", "2", "--dims", "1-3", "--size", "5",
                    "--open", "quantile:0.2", "--iid-masks", "2", "--seed", "3", "--quiet"]
        let r1 = try CLI.run(base + ["--threads", "1", "--output", one, "--summary", summary])
        #expect(r1.status == 0, "\(r1.stderr)")
        let r2 = try CLI.run(base + ["--threads", "2", "--output", two])
        #expect(r2.status == 0, "\(r2.stderr)")
        let csv = try String(contentsOfFile: one, encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first.map(String.init) == Self.subspaceHeader)
        #expect(lines.count == 1 + 2 * 3)
        // quantile:0.2 opens round(0.2·N) sites: N = 5, 25, 125 → 1, 5, 25.
        let fractions = lines.dropFirst().map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[4])! }
        #expect(fractions == [0.2, 0.2, 0.2, 0.2, 0.2, 0.2])
        #expect(csv == (try String(contentsOfFile: two, encoding: .utf8)))
        #expect(FileManager.default.fileExists(atPath: one.replacingOccurrences(of: ".csv", with: ".json")))
        let sum = try String(contentsOfFile: summary, encoding: .utf8).split(separator: "\n")
        #expect(sum.count == 4 && sum[0].hasPrefix("dim,size,sites,networks,open_fraction_mean,open_fraction_se"))
    }

    @Test(.enabled(if: TestEnvironment.runs(needing: TestEnvironment.fashionMNISTInstalled), "dataset-fashion-mnist is not installed")) func growAndConnectWriteTheirContracts() throws {
        try #require(TestEnvironment.fashionMNISTInstalled, "dataset-fashion-mnist is not installed (make test installs it)")
        let dir = try TemporaryDirectory.make("lattice")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = dir + "/g.csv", c = dir + "/c.csv"
        let rg = try CLI.run(["lattice", "grow", "--arch", "mlp:784-16-10", "--trials", "2", "--spacing", "0.05,5",
                              "--cap", "20", "--seed", "1", "--quiet", "--output", g])
        #expect(rg.status == 0, "\(rg.stderr)")
        let glines = try String(contentsOfFile: g, encoding: .utf8).split(separator: "\n")
        #expect(glines.first == "network,trial,spacing,open_rule,cluster_size,survived,evaluations,radius,open_fraction,tied_share,threshold")
        #expect(glines.count == 5)
        for line in glines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let size = Int(f[4])!, survived = Int(f[5])!
            #expect(f[3] == "class" && (survived == 1) == (size >= 20) && size <= 20)
        }
        let rc = try CLI.run(["lattice", "connect", "--arch", "mlp:784-16-10", "--pairs", "3", "--steps", "6", "--axes", "4",
                              "--budget", "2000", "--seed", "1", "--quiet", "--output", c])
        #expect(rc.status == 0, "\(rc.stderr)")
        let clines = try String(contentsOfFile: c, encoding: .utf8).split(separator: "\n")
        #expect(clines.first.map(String.init) == LatticeConnectExperiment.columns.joined(separator: ","))
        #expect(clines.count == 4)
        for line in clines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(f[4] == "6")
            if f[2] == "1" { #expect(Int(f[3])! >= 7) }
        }
    }

    /// iid growth through the CLI: no data, no network evaluations; the generations file adds up.
    @Test func iidGrowthWritesGenerationsAndTheBranchingTable() throws {
        let dir = try TemporaryDirectory.make("lattice")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/iid.csv", gens = dir + "/gen.csv", table = dir + "/bp.csv", pc = dir + "/pc.csv"
        let r = try CLI.run(["lattice", "grow", "--arch", "mlp:784-16-10", "--open", "iid:0.002", "--trials", "3", "--spacing", "1",
                             "--cap", "300", "--seed", "2", "--quiet", "--output", out, "--generations-output", gens])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 3)
        let g = try String(contentsOfFile: gens, encoding: .utf8).split(separator: "\n")
        #expect(g.first == "network,trial,spacing,generation,shell_size,sites_evaluated,open_fraction")
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            let mine = g.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }.filter { $0[1] == f[1] }
            #expect(mine.reduce(0) { $0 + Int($1[4])! } == Int(f[4])!)
            #expect(mine.reduce(0) { $0 + Int($1[5])! } == Int(f[6])!)
            #expect(f[9] == "0")
        }
        let b = try CLI.run(["lattice", "iid-growth", "--dimension", "50", "--lambda", "0.5,3", "--trials", "40", "--cap", "200",
                             "--seed", "3", "--quiet", "--output", table, "--thresholds-output", pc])
        #expect(b.status == 0, "\(b.stderr)")
        let t = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        #expect(t.count == 3 && t[0].hasPrefix("dimension,lambda,p,trials,cap,survived,survival,survival_se,branching_survival_to_cap"))
        let p = try String(contentsOfFile: pc, encoding: .utf8).split(separator: "\n")
        #expect(p.count == 5 && p[1].hasPrefix("13,site,") && p[3].hasPrefix("50,site,"))
    }

    @Test func syntheticAnchorsNeedNoDataAndAreOpen() throws {
        let dir = try TemporaryDirectory.make("lattice")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/syn.csv"
        // A synthetic anchor of class 3 (CE < 5e-4) is open under loss:0.01, so no row dies at once.
        let r = try CLI.run(["lattice", "grow", "--arch", "mlp:784-16-10", "--anchor", "synthetic", "--class", "3",
                             "--open", "loss:0.01", "--trials", "2", "--spacing", "0.01", "--cap", "5", "--seed", "4",
                             "--quiet", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 2)
        for row in rows { #expect(Int(row.split(separator: ",")[4])! >= 1) }
    }

    @Test func badInputsExitWithOneLineAndNothingWritten() throws {
        let dir = try TemporaryDirectory.make("lattice")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/bad.csv"
        let base = ["lattice", "subspace", "--arch", "mlp:784-16-10", "--anchor", "origin", "--seed", "1", "--output", out]
        let cases: [([String], Int32, String)] = [
            (base + ["--dims", "1-2", "--size", "4", "--spacing=-1"], 64, "spacing"),
            (base + ["--dims", "1-2", "--size", "4", "--spacing", "0"], 64, "spacing"),
            (base + ["--dims", "785", "--size", "2", "--spacing", "1"], 64, "input dimension"),
            (base + ["--dims", "7", "--size", "100", "--spacing", "1"], 64, "2^27"),
            (base + ["--dims", "2", "--size", "4", "--spacing", "1", "--class", "10"], 64, "class 10"),
            (base + ["--dims", "2", "--size", "4", "--spacing", "1", "--open", "median"], 64, "open rule"),
            (["lattice", "grow", "--arch", "mlp:784-16-10", "--anchor", "origin", "--open", "quantile:0.1", "--output", out], 64, "quantile"),
            (["lattice", "grow", "--arch", "mlp:784-16-10", "--anchor", "origin", "--open", "shell-quantile:1.5", "--output", out], 64, "0 < q < 1"),
            (["lattice", "grow", "--arch", "mlp:784-16-10", "--anchor", "origin", "--open", "iid:0", "--output", out], 64, "0 < P < 1"),
            (["lattice", "grow", "--arch", "mlp:784-16-10", "--anchor", "origin", "--cap", "0", "--output", out], 64, "--cap"),
            (["lattice", "grow", "--arch", "mlp:784-16-10", "--open", "iid:0.01", "--class", "3", "--output", out], 64, "--class"),
            (["lattice", "subspace", "--model", "/nonexistent/m.safetensors", "--dims", "2", "--size", "4", "--output", out], 74, "no such file"),
            // Renamed flags: the old spelling names the new one.
            (["lattice", "subspace", "--random", "mlp:784-16-10", "--dims", "2", "--size", "4", "--output", out], 64, "use --arch"),
            (["lattice", "connect", "--arch", "mlp:784-16-10", "--pairs", "0", "--output", out], 64, "--pairs must be at least 1 (got 0)"),
        ]
        for (args, code, word) in cases {
            let r = try CLI.run(args)
            #expect(r.status == code, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(word), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
