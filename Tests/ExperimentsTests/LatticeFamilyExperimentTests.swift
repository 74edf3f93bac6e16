import Foundation
import Testing
@testable import Experiments
import Percolation
import Support

/// Tiny in-process runs of the issue-18 family and field experiments through the runner.
@Suite struct LatticeFamilyExperimentTests {
    static func directory() throws -> String {
        let dir = NSTemporaryDirectory() + "family-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let head = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            // Labels hold no commas.
            Dictionary(uniqueKeysWithValues: zip(head, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func wilsonIntervalHasItsClosedForm() throws {
        // k = 0: upper = z²/(n + z²).
        let (lo, hi) = try #require(LatticeFamilyExperiment.wilson(0, 8))
        #expect(lo == 0)
        #expect(abs(hi - 3.841458820694124 / (8 + 3.841458820694124)) < 1e-12)
        let (l2, h2) = try #require(LatticeFamilyExperiment.wilson(4, 8))
        #expect(abs((l2 + h2) / 2 - 0.5) < 1e-12 && h2 - l2 > 0.5 && h2 - l2 < 0.7)
    }

    @Test func tinyFamilyRunGivesConsistentTables() throws {
        var c = LatticeFamilyExperiment.Configuration()
        c.members = [.mlp("tanh", depth: 2, width: 16, sigmaW: 1, sigmaB: 0.1, networks: 1)]
        c.data = DataSource(dataset: .synthetic)
        c.anchors = 2; c.cap = 20; c.lambdas = [0.5, 4]; c.dims = "2-3"; c.sites = 256; c.pairs = 2
        c.featureIterations = 64; c.certificateBudget = 200; c.maxLag = 4; c.correlationAxes = 4; c.nullTrials = 2; c.iidMasks = 2
        let dir = try Self.directory()
        let outputs = ExperimentOutputs(["table": dir + "/g.csv", "subspace": dir + "/s.csv", "prediction": dir + "/p.csv"])
        _ = try ExperimentRunner.run(LatticeFamilyExperiment(), c, outputs: outputs, settings: RunSettings(seed: 3, threads: 1))
        let grow = try Self.rows(dir + "/g.csv")
        #expect(grow.count == 3)                                   // two λ and the class rule
        #expect(grow.map { $0["open_rule"]! }.last == "class")
        for r in grow {
            let s = Double(r["survival"]!)!
            #expect(s == 0 || s == 0.5 || s == 1)                  // two anchors
            #expect(abs(Double(r["se"]!)! - (s * (1 - s) / 2).squareRoot()) < 1e-12)
            if let p = Double(r["open_fraction"]!) { #expect(p >= 0 && p <= 1) }
        }
        // q = λ/(2n − 1), n = 784.
        #expect(abs(Double(grow[0]["q"]!)! - 0.5 / 1567) < 1e-15)
        // Subcritical nominal branching process (λ = 0.5) rarely reaches 20 sites; supercritical (λ = 4) nearly always does.
        #expect(Double(grow[0]["branching_nominal"]!)! < 0.05)
        #expect(Double(grow[1]["branching_nominal"]!)! > 0.9)
        let sub = try Self.rows(dir + "/s.csv")
        #expect(sub.map { $0["dim"]! } == ["2", "3"])
        #expect(sub.map { $0["size"]! } == ["16", "6"])               // round(256^(1/d))
        for r in sub {
            let pc = Double(r["pair_connectivity"]!)!, iid = Double(r["iid_pair_connectivity"]!)!
            #expect(pc >= 0 && pc <= 1 && iid >= 0 && iid <= 1)
        }
        let pred = try Self.rows(dir + "/p.csv")
        #expect(pred.count == 1 && pred[0]["pairs"] == "2")
        let f = Double(pred[0]["connected_fraction"]!)!, lo = Double(pred[0]["connected_low"]!)!, hi = Double(pred[0]["connected_high"]!)!
        #expect(lo <= f && f <= hi && [0, 0.5, 1].contains(f))
        #expect(pred[0]["xi_over_h"] == grow[0]["xi_over_h"])
    }

    /// A member's own cap bounds its clusters and sets its branching process's cap; the tables,
    /// including the correlated nulls computed in parallel after the units, do not depend on the
    /// thread count.
    @Test func memberCapAndThreadCountIndependence() throws {
        var c = LatticeFamilyExperiment.Configuration()
        c.members = [.mlp("tanh", depth: 2, width: 16, sigmaW: 1, sigmaB: 0.1, networks: 1),
                     .init(label: "relu capped", network: NetworkSource(arch: "mlp:784-16-16-10:relu", initialization: "gaussian",
                                                                        sigmaW: 2, sigmaB: 0.1), cap: 7)]
        c.data = DataSource(dataset: .synthetic)
        c.anchors = 2; c.cap = 20; c.lambdas = [4]; c.dims = "2-3"; c.sites = 256; c.pairs = 1
        c.featureIterations = 16; c.certificateBudget = 50; c.maxLag = 4; c.correlationAxes = 4; c.nullTrials = 2; c.iidMasks = 2
        var tables: [[String]] = []
        for threads in [1, 2] {
            let dir = try Self.directory()
            let outputs = ExperimentOutputs(["table": dir + "/g.csv", "subspace": dir + "/s.csv", "prediction": dir + "/p.csv"])
            _ = try ExperimentRunner.run(LatticeFamilyExperiment(), c, outputs: outputs, settings: RunSettings(seed: 5, threads: threads))
            tables.append(try ["g", "s", "p"].map { try String(contentsOfFile: dir + "/\($0).csv", encoding: .utf8) })
        }
        #expect(tables[0] == tables[1])
        let dir = try Self.directory()
        try tables[0][0].write(toFile: dir + "/g.csv", atomically: true, encoding: .utf8)
        try tables[0][1].write(toFile: dir + "/s.csv", atomically: true, encoding: .utf8)
        // The parallel nulls were computed (a finite ξ and 0 < p < 1), so the comparison above covers them.
        #expect(try Self.rows(dir + "/s.csv").filter { !$0["null_pair_connectivity"]!.isEmpty }.count >= 2)
        let grow = try Self.rows(dir + "/g.csv")
        #expect(grow.map { $0["cap"]! } == ["20", "20", "7", "7"])
        for r in grow where r["cap"] == "7" { #expect(Double(r["mean_cluster_size"]!)! <= 7) }
        let q = 4.0 / 1567
        let nominal7 = try BranchingProcess(dimension: 784, p: q).survival(toSize: 7)
        let nominal20 = try BranchingProcess(dimension: 784, p: q).survival(toSize: 20)
        #expect(Double(grow[2]["branching_nominal"]!)! == nominal7)
        #expect(Double(grow[0]["branching_nominal"]!)! == nominal20)
        #expect(nominal7 > nominal20)
        // A capped member below 1 is rejected.
        c.members[1].cap = 0
        #expect(throws: ModeLatticeError.self) { try LatticeFamilyExperiment().validate(c) }
    }

    @Test func tinyFieldRunHasExactOpenFractionAndUnitCovariance() throws {
        var c = PercolationFieldExperiment.Configuration()
        c.size = 16; c.trials = 2; c.correlations = ["none", "gaussian:2"]
        let dir = try Self.directory()
        _ = try ExperimentRunner.run(PercolationFieldExperiment(), c,
                                     outputs: ExperimentOutputs(["table": dir + "/f.csv", "covariance": dir + "/c.csv"]),
                                     settings: RunSettings(seed: 4, threads: 1))
        let rows = try Self.rows(dir + "/f.csv")
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { Double($0["open_fraction"]!)! == 0.5 })   // round(0.5·256) = 128 sites
        #expect(rows.map { $0["correlation"]! } == ["none", "none", "gaussian:2.0", "gaussian:2.0"] ||
                rows.map { $0["correlation"]! } == ["none", "none", "gaussian:2", "gaussian:2"])
        let cov = try Self.rows(dir + "/c.csv")
        #expect(cov.count == 2 * 9)                                            // r = 0…8 per correlation
        for r in cov where r["r"] == "0" { #expect(Double(r["c_measured"]!)! == 1 && Double(r["c_target"]!)! == 1) }
        let g1 = try #require(cov.first { $0["r"] == "1" && $0["correlation"] != "none" })
        #expect(abs(Double(g1["c_target"]!)! - exp(-1.0 / 8)) < 1e-12)
    }
}
