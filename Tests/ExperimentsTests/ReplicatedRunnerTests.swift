import Connectivity
import Foundation
import NetworkCore
import Support
import Testing
import TestSupport
@testable import Experiments

/// A toy experiment whose setup draws an offset from the seed (what training is to a network
/// experiment) and whose unit u adds a seeded uniform draw to it: exact values to compare.
private struct SeededOffsets: Experiment {
    struct Configuration: ExperimentConfiguration {
        var units = 4
        init() {}
    }
    static let identifier = "test_seeded_offsets"
    static let revision = 1
    static let columns = ["unit", "kind", "value"]
    static let extraTables = ["total": ["sum"]]
    func units(_ c: Configuration, _ setup: Double) throws -> [Int] { Array(0..<c.units) }
    func prepare(_ c: Configuration, _ s: RunSettings) throws -> Double {
        try RandomGenerator(seed: SeedSequence.derive(s.seed, stream: "offset", index: 0)).uniform() * 100
    }
    func run(_ u: Int, index: Int, _ c: Configuration, _ offset: Double, _ s: RunSettings) throws -> Double {
        offset + (try RandomGenerator(seed: SeedSequence.derive(s.seed, stream: "unit", index: u)).uniform())
    }
    func products(_ r: [Double], _ c: Configuration, _ offset: Double, _ s: RunSettings) throws -> ExperimentProducts {
        var t = Table(columns: Self.columns)
        for (i, v) in r.enumerated() { t.append([.int(i), "x", .double(v)]) }
        return ExperimentProducts(tables: ["table": t, "total": Table(columns: ["sum"], rows: [[.double(r.reduce(0, +))]])],
                                  files: ["seed": Array(String(s.seed).utf8)], notes: ["offset \(offset)"])
    }
}

/// The same, claiming to draw its own replicates (as `claims` does).
private struct OwnReplicates: Experiment {
    struct Configuration: ExperimentConfiguration { init() {} }
    static let identifier = "test_own_replicates"
    static let revision = 1
    static let columns = ["unit"]
    static let runsOwnReplicates = true
    func units(_ c: Configuration, _ setup: Void) throws -> [Int] { [0] }
    func run(_ u: Int, index: Int, _ c: Configuration, _ setup: Void, _ s: RunSettings) throws -> Int { u }
    func products(_ r: [Int], _ c: Configuration, _ setup: Void, _ s: RunSettings) throws -> ExperimentProducts {
        ExperimentProducts(table: Table(columns: Self.columns, rows: r.map { [.int($0)] }))
    }
}

private func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

/// Data lines of a CSV (header dropped).
private func lines(_ path: String) throws -> [String] { try text(path).split(separator: "\n").dropFirst().map(String.init) }

/// The lines of replicate `r` of a replicated table, without the replicate column.
private func replicate(_ r: Int, _ path: String) throws -> [String] {
    try lines(path).filter { $0.hasPrefix("\(r),") }.map { String($0.dropFirst("\(r),".count)) }
}

@Suite(.serialized) struct ReplicatedRunnerTests {
    private func outputs(_ dir: String, _ stem: String) -> ExperimentOutputs {
        ExperimentOutputs(["table": "\(dir)/\(stem).csv", "total": "\(dir)/\(stem)_total.csv", "seed": "\(dir)/\(stem).seed"])
    }

    /// K = 1 writes what a run without replicates writes, byte for byte, under the same fingerprint.
    @Test func oneReplicateIsTheUnreplicatedRun() throws {
        let dir = try TemporaryDirectory.make("replicates-one")
        let plain = try ExperimentRunner.run(SeededOffsets(), .init(), outputs: outputs(dir, "a"), settings: RunSettings(seed: 9, threads: 1))
        let one = try ExperimentRunner.run(SeededOffsets(), .init(), outputs: outputs(dir, "b"),
                                           settings: RunSettings(seed: 9, threads: 1, replicates: 1))
        #expect(one.fingerprint == plain.fingerprint)
        #expect(try ExperimentRunner.fingerprint(SeededOffsets.self, .init(), seed: 9, generator: "mt19937", replicates: 1)
                == ExperimentRunner.fingerprint(SeededOffsets.self, .init(), seed: 9, generator: "mt19937"))
        for suffix in [".csv", "_total.csv", ".seed", ".json"] {
            #expect(try text(dir + "/a" + suffix) == text(dir + "/b" + suffix), "\(suffix)")
        }
        #expect(try lines(dir + "/a.csv").first?.hasPrefix("0,x,") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/b_replicates.csv"))
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/b.json"))) as! [String: Any]
        #expect(sidecar["replicates"] == nil && !(sidecar["notes"] as! [String]).contains { $0.contains("replicate") })
    }

    /// K = 2: replicate 0 is exactly a K = 1 run under derive(seed, "replicate", 0), replicate 1
    /// differs, files are replicate 0's, and the sidecar records K.
    @Test func replicateZeroIsTheRunUnderItsDerivedSeed() throws {
        let dir = try TemporaryDirectory.make("replicates-two")
        let two = try ExperimentRunner.run(SeededOffsets(), .init(), outputs: outputs(dir, "k2"),
                                           settings: RunSettings(seed: 9, threads: 2, replicates: 2))
        #expect(two.unitCount == 8)
        let s0 = SeedSequence.derive(9, stream: "replicate", index: 0), s1 = SeedSequence.derive(9, stream: "replicate", index: 1)
        #expect(Replicated.seed(9, replicate: 1) == s1 && s0 != s1)
        try ExperimentRunner.run(SeededOffsets(), .init(), outputs: outputs(dir, "r0"), settings: RunSettings(seed: s0, threads: 1))
        try ExperimentRunner.run(SeededOffsets(), .init(), outputs: outputs(dir, "r1"), settings: RunSettings(seed: s1, threads: 1))

        #expect(try text(dir + "/k2.csv").hasPrefix("replicate,unit,kind,value\n0,0,x,"))
        #expect(try replicate(0, dir + "/k2.csv") == lines(dir + "/r0.csv"))
        #expect(try replicate(1, dir + "/k2.csv") == lines(dir + "/r1.csv"))
        #expect(try replicate(0, dir + "/k2.csv") != replicate(1, dir + "/k2.csv"))
        #expect(try lines(dir + "/k2.csv").count == 8 && lines(dir + "/k2.csv").prefix(4).allSatisfy { $0.hasPrefix("0,") })
        // Extra tables are stacked the same way; files are replicate 0's.
        #expect(try text(dir + "/k2_total.csv").hasPrefix("replicate,sum\n"))
        #expect(try replicate(0, dir + "/k2_total.csv") == lines(dir + "/r0_total.csv"))
        #expect(try replicate(1, dir + "/k2_total.csv") == lines(dir + "/r1_total.csv"))
        #expect(try text(dir + "/k2.seed") == String(s0))
        // Sidecar: K, the root seed, the replicates' notes, the files note; no model-file note here.
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/k2.json"))) as! [String: Any]
        #expect(sidecar["replicates"] as? Int == 2 && sidecar["seed"] as? Int == 9)
        let notes = sidecar["notes"] as! [String]
        #expect(notes.contains { $0.hasPrefix("replicate 0: offset ") } && notes.contains { $0.hasPrefix("replicate 1: offset ") })
        #expect(notes.contains("files (seed) hold replicate 0's only"))
        #expect(!notes.contains { $0.contains("model file") })
        #expect(two.fingerprint != (try ExperimentRunner.fingerprint(SeededOffsets.self, .init(), seed: 9, generator: "mt19937")))
    }

    /// The summary row of `value` against a hand computation: medians of each replicate's four
    /// values (mean of the middle two), their mean, sample sd, and mean ± t(0.975, 1)·sd/√2 with
    /// t(0.975, 1) = 12.7062047361747 (Student t table); `unit` (the same in both) and `kind` (text)
    /// are left out.
    @Test func summaryIsTheTIntervalOverReplicateMedians() throws {
        let dir = try TemporaryDirectory.make("replicates-summary")
        try ExperimentRunner.run(SeededOffsets(), .init(), outputs: outputs(dir, "k2"), settings: RunSettings(seed: 9, threads: 1, replicates: 2))
        let summary = try text(dir + "/k2_replicates.csv").split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(summary.first == Replicated.summaryColumns)
        #expect(summary.count == 2 && summary[1][0] == "value" && summary[1][1] == "2")
        let medians = try (0..<2).map { r -> Double in
            let v = try replicate(r, dir + "/k2.csv").map { Double($0.split(separator: ",")[2])! }.sorted()
            return (v[1] + v[2]) / 2
        }
        let mean = (medians[0] + medians[1]) / 2
        let sd = (((medians[0] - mean) * (medians[0] - mean) + (medians[1] - mean) * (medians[1] - mean)) / 1).squareRoot()
        let half = 12.7062047361747 * sd / 2.0.squareRoot()
        let got = summary[1].dropFirst(2).map { Double($0)! }
        let expected = [mean, sd, mean - half, mean + half, medians.min()!, medians.max()!]
        for (g, e) in zip(got, expected) { #expect(abs(g - e) <= 1e-12 * max(1, abs(e)), "\(got) vs \(expected)") }
        #expect(got[4] == expected[4] && got[5] == expected[5])      // min and max are the medians themselves
        let notes = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/k2.json"))) as! [String: Any])["notes"] as! [String]
        #expect(notes.contains { $0.hasSuffix("not summarized (identical in every replicate or not numeric): unit, kind") })
    }

    /// A long-format table (rows labelled by a text column that is the same in every replicate) is
    /// summarized per label, by hand: replicate 0 has gaps a: 1, 3 and b: 10, 20, replicate 1 has
    /// a: 5, 7 and b: 30, 40, so the medians are a: 2, 6 (mean 4, sd 2√2, half-width t(0.975, 1)·2)
    /// and b: 15, 35 (mean 25, sd 10√2, half-width t(0.975, 1)·10). The key named `statistic` clashes
    /// with the summary's column and becomes `row_statistic`; the constant text column and the
    /// identical `pair` ids are not summarized.
    @Test func longFormatTablesAreSummarizedPerRowLabel() throws {
        func table(_ gaps: [Double]) -> Table {
            var t = Table(columns: ["pair", "statistic", "note", "gap"])
            for (i, g) in gaps.enumerated() { t.append([.int(i), .text(i % 2 == 0 ? "a" : "b"), "same", .double(g)]) }
            return t
        }
        let (summary, skipped) = Replicated.summary([table([1, 10, 3, 20]), table([5, 30, 7, 40])])
        #expect(summary.columns == ["row_statistic"] + Replicated.summaryColumns)
        #expect(skipped == ["pair", "note"])
        let t = 12.7062047361747
        let expected: [(String, [Double])] = [("a", [4, 2 * 2.0.squareRoot(), 4 - 2 * t, 4 + 2 * t, 2, 6]),
                                              ("b", [25, 10 * 2.0.squareRoot(), 25 - 10 * t, 25 + 10 * t, 15, 35])]
        #expect(summary.rows.count == 2)
        for (row, (label, values)) in zip(summary.rows, expected) {
            #expect(row[0] == .text(label) && row[1] == .text("gap") && row[2] == .int(2))
            for (cell, e) in zip(row.dropFirst(3), values) {
                guard case .double(let g) = cell else { Issue.record("\(cell) is not a number"); continue }
                #expect(abs(g - e) <= 1e-12 * abs(e), "\(label): \(g) vs \(e)")
            }
        }
        // Replicates whose label columns differ row by row have no keys: one plain row per column.
        var shuffled = table([5, 30, 7, 40])
        shuffled.rows.swapAt(0, 1)
        #expect(Replicated.keyColumns([table([1, 10, 3, 20]), shuffled]).isEmpty)
    }

    /// Three replicates at 1 and 2 threads: every file byte-identical.
    @Test func replicatesDoNotDependOnTheThreadCount() throws {
        let dir = try TemporaryDirectory.make("replicates-threads")
        var c = SeededOffsets.Configuration()
        c.units = 7
        for threads in [1, 2] {
            try ExperimentRunner.run(SeededOffsets(), c, outputs: outputs(dir, "t\(threads)"), settings: RunSettings(seed: 3, threads: threads, replicates: 3))
        }
        for suffix in [".csv", "_total.csv", "_replicates.csv", ".seed", ".json"] {
            #expect(try text(dir + "/t1" + suffix) == text(dir + "/t2" + suffix), "\(suffix)")
        }
        #expect(try lines(dir + "/t1.csv").count == 21)
    }

    /// A run interrupted inside replicate 1 resumes there: the checkpoint (fingerprint with K)
    /// holds unit 1 of replicate 1 (flattened index 4 + 1), deliberately wrong, and it is reused;
    /// a checkpoint of the unreplicated run is not.
    @Test func resumesInsideAReplicate() throws {
        let dir = try TemporaryDirectory.make("replicates-resume")
        let settings = RunSettings(seed: 5, threads: 2, replicates: 2)
        let fingerprint = try ExperimentRunner.fingerprint(SeededOffsets.self, .init(), seed: 5, generator: settings.generator, replicates: 2)
        let checkpoint = try Checkpoint<Double>(output: dir + "/r.csv", fingerprint: fingerprint)
        checkpoint.record(index: 5, value: -1)
        let summary = try ExperimentRunner.run(SeededOffsets(), .init(), outputs: ExperimentOutputs(table: dir + "/r.csv"), settings: settings)
        #expect(summary.resumedUnits == 1)
        #expect(try replicate(1, dir + "/r.csv")[1] == "1,x,-1")
        #expect(try !replicate(0, dir + "/r.csv").contains("1,x,-1"))
        #expect(!FileManager.default.fileExists(atPath: Checkpoint<Double>.path(forOutput: dir + "/r.csv")))
        let unreplicated = try ExperimentRunner.fingerprint(SeededOffsets.self, .init(), seed: 5, generator: settings.generator)
        let stale = try Checkpoint<Double>(output: dir + "/s.csv", fingerprint: unreplicated)
        stale.record(index: 5, value: -1)
        let fresh = try ExperimentRunner.run(SeededOffsets(), .init(), outputs: ExperimentOutputs(table: dir + "/s.csv"), settings: settings)
        let freshTable = try text(dir + "/s.csv")
        #expect(fresh.resumedUnits == 0 && !freshTable.contains("-1"))
    }

    @Test func zeroReplicatesAndDoubleReplicationAreRefused() throws {
        let dir = try TemporaryDirectory.make("replicates-bad")
        do {
            try ExperimentRunner.run(SeededOffsets(), .init(), outputs: ExperimentOutputs(table: dir + "/x.csv"), settings: RunSettings(replicates: 0))
            Issue.record("0 replicates ran")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .usage && e.field == "replicates" && e.message == "replicates must be at least 1 (got 0)")
        }
        do {
            try ExperimentRunner.run(OwnReplicates(), .init(), outputs: ExperimentOutputs(table: dir + "/y.csv"), settings: RunSettings(replicates: 2))
            Issue.record("an experiment with its own replicates was replicated again")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .usage && e.field == "replicates" && e.message.contains("draws its own replicates"), "\(e.message)")
        }
        try ExperimentRunner.run(OwnReplicates(), .init(), outputs: ExperimentOutputs(table: dir + "/z.csv"), settings: RunSettings(replicates: 1))
        #expect(ClaimsExperiment.runsOwnReplicates && !InputPairsExperiment.runsOwnReplicates)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["z.csv", "z.json", "z.run.json"])
    }

    /// A catalog entry with `"replicates": {"tiny": 2}`: two replicates in tiny (the summary file is
    /// part of what a finished entry produces), one in quick (the plain run); bad counts are data errors.
    @Test func catalogEntriesTakeReplicatesByProfile() throws {
        let results = try TemporaryDirectory.make("replicates-catalog")
        let json = """
        {"name": "toy", "description": "d", "experiment": "test_seeded_offsets", "seed": 4,
         "replicates": {"tiny": 2}, "outputs": {"total": "toy_total.csv", "seed": "toy.seed"},
         "profiles": {"tiny": {"units": 3}, "quick": {"units": 3}, "full": {"units": 5}}}
        """
        let spec = try ExperimentCatalog.parseEntry(Data(json.utf8), path: "experiments/toy.json")
        #expect(spec.replicateCount(profile: "tiny") == 2 && spec.replicateCount(profile: "quick") == 1)
        #expect(spec.producedFiles(resultsDirectory: "R", profile: "tiny").contains("R/toy_replicates.csv"))
        #expect(!spec.producedFiles(resultsDirectory: "R", profile: "quick").contains("R/toy_replicates.csv"))
        func reproduction(_ profile: String) throws -> CatalogReproduction {
            var r = CatalogReproduction(profile: profile, resultsDirectory: results, force: false, threads: 2,
                                        log: { _ in })
            r.registry = [try RegisteredExperiment(SeededOffsets())]
            return r
        }
        let tiny = try reproduction("tiny")
        #expect(try tiny.run([spec]).ran == ["toy"])
        #expect(try lines(results + "/toy.csv").count == 6)
        #expect(try replicate(0, results + "/toy.csv").count == 3)
        #expect(try text(results + "/toy_replicates.csv").hasPrefix("statistic,replicates,mean,sd,ci_low,ci_high,min,max\nvalue,2,"))
        #expect(try tiny.run([spec]).ran == [])                     // finished: skipped
        try FileManager.default.removeItem(atPath: results + "/toy_replicates.csv")
        #expect(try tiny.run([spec]).ran == ["toy"])                // the summary is part of the entry
        // quick: one replicate, the unreplicated table.
        let quick = try reproduction("quick")
        #expect(try quick.fingerprint(spec) == (try RegisteredExperiment(SeededOffsets())
                                                    .fingerprint(.object(["units": .number(3)]), settings: RunSettings(seed: 4, generator: "mt19937"))))
        #expect(try quick.run([spec]).ran == ["toy"])
        #expect(try lines(results + "/toy.csv").count == 3 && lines(results + "/toy.csv")[0].hasPrefix("0,x,"))

        for (replicates, message) in [("0", "at least 1"), ("{\"fast\": 2}", "unknown profile 'fast'"), ("2.5", "not a valid experiment")] {
            let bad = json.replacingOccurrences(of: "{\"tiny\": 2}", with: replicates)
            do {
                _ = try ExperimentCatalog.parseEntry(Data(bad.utf8), path: "experiments/toy.json")
                Issue.record("replicates \(replicates) accepted")
            } catch let e as ModeLatticeError {
                #expect(e.kind == .data && e.message.contains(message), "\(e.message)")
            }
        }
        let legacy = """
        {"name": "old", "description": "d", "command": ["x"], "replicates": 2, "columns": ["a"],
         "profiles": {"tiny": [], "quick": [], "full": []}}
        """
        #expect(throws: ModeLatticeError.self) { try ExperimentCatalog.parseEntry(Data(legacy.utf8), path: "experiments/old.json") }
    }

    /// A real experiment: star centers of tiny MLP minima, two replicates. Each replicate trains its
    /// own minima into its own subdirectory of the minima directory; replicate 0's tables are those
    /// of a K = 1 run under its derived seed; the minima (hence distances) of the replicates differ.
    @Test func parameterStarReplicatesTrainTheirOwnMinima() throws {
        let dir = try TemporaryDirectory.make("replicates-star")
        var c = ParameterStarExperiment.Configuration()
        c.minima = ParameterStarExperimentTests.tinyMinima(dir + "/minima")
        c.points = 5
        c.center.steps = 10
        c.center.checkEvery = 10
        c.center.checkPoints = 3
        c.saveCenter = true
        func outputs(_ stem: String) -> ExperimentOutputs {
            ExperimentOutputs(["table": "\(dir)/\(stem).csv", "trace": "\(dir)/\(stem)_trace.csv", "center": "\(dir)/\(stem).safetensors"])
        }
        try ExperimentRunner.run(ParameterStarExperiment(), c, outputs: outputs("k2"), settings: RunSettings(seed: 4, threads: 2, replicates: 2))
        for r in 0..<2 {
            #expect(FileManager.default.fileExists(atPath: dir + "/minima/replicate-\(r)/" + MinimaTraining.fileName(2)))
        }
        var single = c
        single.minima.directory = dir + "/minima-r0"
        try ExperimentRunner.run(ParameterStarExperiment(), single, outputs: outputs("r0"),
                                 settings: RunSettings(seed: Replicated.seed(4, replicate: 0), threads: 1))
        #expect(try replicate(0, dir + "/k2.csv") == lines(dir + "/r0.csv"))
        #expect(try replicate(0, dir + "/k2_trace.csv") == lines(dir + "/r0_trace.csv"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/k2.safetensors")) == Data(contentsOf: URL(fileURLWithPath: dir + "/r0.safetensors")))
        let distances = try (0..<2).map { r in try replicate(r, dir + "/k2.csv").map { $0.split(separator: ",")[2] } }
        #expect(distances[0].count == 3 && distances[0] != distances[1])
        let summary = try lines(dir + "/k2_replicates.csv").map { String($0.split(separator: ",")[0]) }
        #expect(summary.contains("distance") && !summary.contains("i") && !summary.contains("j"))
        let notes = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/k2.json"))) as! [String: Any])["notes"] as! [String]
        #expect(notes.contains("per replicate: minima trained from the replicate's seed into \(dir)/minima/replicate-r"))
    }

    /// Input pairs on a saved model: replicates cannot retrain it, so they re-draw pairs only (the
    /// sidecar says so); replicate 0 is the run under its derived seed, replicate 1 other pairs.
    @Test func inputPairsOnAModelFileRedrawPairs() throws {
        let dir = try TemporaryDirectory.make("replicates-pairs")
        var c = InputPairsExperiment.Configuration()
        (c.network, c.data, c.pairs, c.points) = (InputSpaceExperimentTests.network, InputSpaceExperimentTests.data, 4, 16)
        c.bypassSettings.pointsPerSegment = 16
        func outputs(_ stem: String) -> ExperimentOutputs {
            ExperimentOutputs(["table": "\(dir)/\(stem).csv", "profiles": "\(dir)/\(stem)_profiles.csv"])
        }
        try ExperimentRunner.run(InputPairsExperiment(), c, outputs: outputs("k2"),
                                 settings: RunSettings(seed: 3, generator: "mt19937", threads: 2, replicates: 2))
        try ExperimentRunner.run(InputPairsExperiment(), c, outputs: outputs("r0"),
                                 settings: RunSettings(seed: Replicated.seed(3, replicate: 0), generator: "mt19937", threads: 1))
        #expect(try replicate(0, dir + "/k2.csv") == lines(dir + "/r0.csv"))
        #expect(try replicate(0, dir + "/k2_profiles.csv") == lines(dir + "/r0_profiles.csv"))
        #expect(try replicate(1, dir + "/k2.csv").count == 4 && replicate(0, dir + "/k2.csv") != replicate(1, dir + "/k2.csv"))
        let notes = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/k2.json"))) as! [String: Any])["notes"] as! [String]
        #expect(notes.contains { $0.contains("read from a model file (\(InputSpaceExperimentTests.model))") && $0.contains("re-draw pairs and inputs only") })
        let summary = try lines(dir + "/k2_replicates.csv").map { String($0.split(separator: ",")[0]) }
        #expect(summary.contains("loss_a") && !summary.contains("pair") && !summary.contains("kind"))
    }
}
