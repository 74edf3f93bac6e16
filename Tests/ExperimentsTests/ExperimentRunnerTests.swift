import Foundation
import Testing
@testable import Experiments
import Support
import TestSupport

/// Defaults that a test can change "in code" (what a developer editing `Configuration` does).
private enum CodeDefaults {
    nonisolated(unsafe) static var scaleA = 3.0
}

/// Unit i yields scale·(i+1) + a seeded uniform draw: exact values to check, seed-dependent.
private struct ScaledUnitsA: Experiment {
    struct Configuration: ExperimentConfiguration {
        var units = 4
        var scale = CodeDefaults.scaleA
        init() {}
    }
    static let identifier = "test_scaled_a"
    static let revision = 1
    static let columns = ["unit", "value"]
    static let extraTables = ["total": ["sum"]]
    func validate(_ c: Configuration) throws {
        guard c.units >= 1 else { throw ModeLatticeError.invalid("units", "must be at least 1 (got \(c.units))") }
    }
    func units(_ c: Configuration, _ setup: Void) throws -> [Int] { Array(0..<c.units) }
    func run(_ u: Int, index: Int, _ c: Configuration, _ setup: Void, _ s: RunSettings) throws -> Double {
        let rng = try RandomGenerator(seed: SeedSequence.derive(s.seed, stream: "test", index: u))
        return c.scale * Double(u + 1) + rng.uniform() * 1e-3
    }
    func products(_ r: [Double], _ c: Configuration, _ setup: Void, _ s: RunSettings) throws -> ExperimentProducts {
        var t = Table(columns: Self.columns)
        for (i, v) in r.enumerated() { t.append([.int(i), .double(v)]) }
        return ExperimentProducts(tables: ["table": t, "total": Table(columns: ["sum"], rows: [[.double(r.reduce(0, +))]])])
    }
}

private struct ScaledUnitsB: Experiment {
    struct Configuration: ExperimentConfiguration {
        var units = 2
        init() {}
    }
    static let identifier = "test_scaled_b"
    static let revision = 1
    static let columns = ["unit"]
    func units(_ c: Configuration, _ setup: Void) throws -> [Int] { Array(0..<c.units) }
    func run(_ u: Int, index: Int, _ c: Configuration, _ setup: Void, _ s: RunSettings) throws -> Int { u * u }
    func products(_ r: [Int], _ c: Configuration, _ setup: Void, _ s: RunSettings) throws -> ExperimentProducts {
        ExperimentProducts(table: Table(columns: Self.columns, rows: r.map { [.int($0)] }))
    }
}

@Suite(.serialized) struct ExperimentRunnerTests {
    @Test func writesTablesSidecarsAndIsThreadIndependent() throws {
        let dir = try TemporaryDirectory.make("runner")
        var c = ScaledUnitsA.Configuration()
        c.units = 6
        let one = try ExperimentRunner.run(ScaledUnitsA(), c, outputs: ExperimentOutputs(["table": dir + "/a1.csv", "total": dir + "/t1.csv"]),
                                           settings: RunSettings(seed: 9, threads: 1))
        _ = try ExperimentRunner.run(ScaledUnitsA(), c, outputs: ExperimentOutputs(["table": dir + "/a2.csv"]),
                                     settings: RunSettings(seed: 9, threads: 2))
        let a1 = try String(contentsOfFile: dir + "/a1.csv", encoding: .utf8)
        #expect(a1 == (try String(contentsOfFile: dir + "/a2.csv", encoding: .utf8)))
        let rows = a1.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 6)
        for (i, r) in rows.enumerated() {
            let v = Double(r[1])!
            #expect(v >= 3 * Double(i + 1) && v < 3 * Double(i + 1) + 1e-3)
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/t2.csv"))    // roles without a path are not written
        // Provenance sidecar: configuration and fingerprint, no timing; the run sidecar has the timing.
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/a1.json"))) as! [String: Any]
        #expect((sidecar["configuration"] as? [String: Any])?["units"] as? Int == 6)
        #expect(sidecar["fingerprint"] as? String == one.fingerprint)
        #expect(sidecar["wallSeconds"] == nil && sidecar["timing"] == nil)
        let timing = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/a1.run.json"))) as! [String: Any]
        #expect(timing["wallSeconds"] is Double)
        #expect(!FileManager.default.fileExists(atPath: dir + "/a1.csv.partial.jsonl"))
        // The provenance sidecars of the 1- and 2-thread runs differ only in the output path.
        let s2 = try String(contentsOfFile: dir + "/a2.json", encoding: .utf8)
        #expect(try String(contentsOfFile: dir + "/a1.json", encoding: .utf8).replacingOccurrences(of: "a1.csv", with: "a2.csv")
                    .replacingOccurrences(of: "t1.csv", with: "") .count > 0 && s2.contains("\"seed\" : 9"))
    }

    @Test func invalidConfigurationNamesTheFieldAndWritesNothing() throws {
        let dir = try TemporaryDirectory.make("runner-bad")
        var c = ScaledUnitsA.Configuration()
        c.units = 0
        do {
            try ExperimentRunner.run(ScaledUnitsA(), c, outputs: ExperimentOutputs(table: dir + "/x.csv"), settings: RunSettings())
            Issue.record("units = 0 ran")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .usage && e.field == "units" && e.message == "units must be at least 1 (got 0)")
            #expect(e.naming("--units").message == "--units must be at least 1 (got 0)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func resumesFromACheckpointWithTheSameFingerprintOnly() throws {
        let dir = try TemporaryDirectory.make("runner-resume")
        let c = ScaledUnitsA.Configuration()
        let settings = RunSettings(seed: 5, threads: 1)
        let fingerprint = try ExperimentRunner.fingerprint(ScaledUnitsA.self, c, seed: 5, generator: settings.generator)
        // A checkpoint holding a (deliberately wrong) value for unit 2: reused, so it shows up.
        let checkpoint = try Checkpoint<Double>(output: dir + "/r.csv", fingerprint: fingerprint)
        checkpoint.record(index: 2, value: -1)
        let summary = try ExperimentRunner.run(ScaledUnitsA(), c, outputs: ExperimentOutputs(table: dir + "/r.csv"), settings: settings)
        #expect(summary.resumedUnits == 1)
        #expect(try String(contentsOfFile: dir + "/r.csv", encoding: .utf8).contains("\n2,-1\n"))
        // The same checkpoint under another configuration (a changed default) is started afresh.
        let stale = try Checkpoint<Double>(output: dir + "/s.csv", fingerprint: fingerprint)
        stale.record(index: 2, value: -1)
        var changed = c
        changed.scale = 4
        let fresh = try ExperimentRunner.run(ScaledUnitsA(), changed, outputs: ExperimentOutputs(table: dir + "/s.csv"), settings: settings)
        #expect(fresh.resumedUnits == 0)
        #expect(!(try String(contentsOfFile: dir + "/s.csv", encoding: .utf8).contains("-1")))
    }

    /// Issue 16's target: changing any default, in code or in the experiment file, makes
    /// `reproduce` rerun that experiment and only that one; a second run skips everything.
    @Test func changedDefaultsRerunExactlyTheExperimentsTheyTouch() throws {
        let results = try TemporaryDirectory.make("reproduce-defaults")
        func entry(_ name: String, _ type: String, _ configuration: JSONValue) -> ExperimentSpec {
            ExperimentSpec(name: name, description: "", experiment: type, seed: 3, configuration: configuration,
                           profiles: ["tiny": .object([:]), "quick": .object([:]), "full": .object([:])],
                           outputs: nil, table: nil, requires: nil)
        }
        var specs = [entry("a", "test_scaled_a", .object([:])), entry("b", "test_scaled_b", .object(["units": .number(3)]))]
        var reproduction = CatalogReproduction(profile: "tiny", resultsDirectory: results, force: false, threads: 2,
                                               log: { _ in })
        reproduction.registry = [try RegisteredExperiment(ScaledUnitsA()), try RegisteredExperiment(ScaledUnitsB())]
        let first = try reproduction.run(specs)
        #expect(first.ran == ["a", "b"])
        #expect(first.changed.count == 4 && first.compared == 4)   // files that did not exist before count as new
        #expect(try reproduction.run(specs).ran == [])
        // A table already in place does not count as finished: only the state the run wrote does.
        ReproductionState.clear(name: "b", resultsDirectory: results)
        #expect(try reproduction.run(specs).ran == ["b"])
        // A default changed in code reruns the experiment of that type only…
        let saved = CodeDefaults.scaleA
        CodeDefaults.scaleA = 5
        defer { CodeDefaults.scaleA = saved }
        reproduction.registry = [try RegisteredExperiment(ScaledUnitsA()), try RegisteredExperiment(ScaledUnitsB())]
        let rerun = try reproduction.run(specs)
        #expect(rerun.ran == ["a"])
        #expect(rerun.changed.contains(results + "/a.csv"))
        // …and a value changed in the experiment file reruns that entry only.
        specs[1] = entry("b", "test_scaled_b", .object(["units": .number(4)]))
        #expect(try reproduction.run(specs).ran == ["b"])
        #expect(try reproduction.run(specs).ran == [])
        // Rerunning with --force reproduces every file byte for byte.
        reproduction.force = true
        let forced = try reproduction.run(specs)
        #expect(forced.ran == ["a", "b"] && forced.changed.isEmpty && forced.compared == 4)
    }
}
