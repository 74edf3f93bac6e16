import Foundation
import Testing
import TestSupport
@testable import Experiments
import Support

private let projectRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

@Suite struct CatalogTests {
    @Test func everyExperimentFileLoads() throws {
        let catalog = try ExperimentCatalog.load(directory: projectRoot + "/experiments")
        #expect(!catalog.experiments.isEmpty)
        for spec in catalog.experiments {
            // The type exists, every profile decodes over its defaults, tiny and full differ.
            let registered = try ExperimentRegistry.named(spec.experiment)
            var prints: [String: String] = [:]
            for profile in ExperimentSpec.profileNames {
                let overrides = try spec.overrides(profile: profile, resultsDirectory: "R")
                #expect(!overrides.canonicalText.contains("{results}"))
                prints[profile] = try registered.fingerprint(overrides, settings: RunSettings(seed: spec.seed ?? 1))
            }
            #expect(prints["tiny"] != prints["full"], "\(spec.name): tiny and full are the same run")
        }
    }

    @Test func rejectsBrokenAndMisnamedFiles() throws {
        let dir = try TemporaryDirectory.make("catalog")
        try "{ not json".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        #expect(throws: ModeLatticeError.self) { try ExperimentCatalog.load(directory: dir) }
        try FileManager.default.removeItem(atPath: dir + "/bad.json")
        let spec = """
        {"name": "other", "description": "d", "experiment": "percolation_sweep",
         "profiles": {"tiny": {}, "quick": {}, "full": {}}}
        """
        try spec.write(toFile: dir + "/mine.json", atomically: true, encoding: .utf8)
        do {
            _ = try ExperimentCatalog.load(directory: dir)
            Issue.record("a misnamed experiment loaded")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .data)
            #expect(e.message.contains("must match"))
        }
        #expect(throws: ModeLatticeError.self) { try ExperimentCatalog.load(directory: dir + "/missing") }
        // A misspelt field is named, never silently dropped; a wrong type is named by its path.
        do {
            _ = try RegisteredExperiment.configuration(PercolationSweepExperiment.self, .object(["trails": .number(3)]))
            Issue.record("a misspelt field was accepted")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .data && e.message.contains("'trails'"), "\(e.message)")
        }
        do {
            _ = try RegisteredExperiment.configuration(PercolationSweepExperiment.self, .object(["size": .string("big")]))
            Issue.record("a wrong type was accepted")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .data && e.message.contains("'size'"), "\(e.message)")
        }
        let decoded = try RegisteredExperiment.configuration(PercolationSweepExperiment.self, .object(["size": .number(12)]))
        var expected = PercolationSweepExperiment.Configuration()
        expected.size = 12
        #expect(decoded == expected)
    }

    @Test func finishedStatusFollowsFingerprint() throws {
        let dir = try TemporaryDirectory.make("status")
        let spec = ExperimentSpec(name: "e", description: "", experiment: "percolation_sweep", configuration: .object(["dim": .number(2)]),
                                  profiles: ["tiny": .object(["size": .number(8)]), "quick": .object(["size": .number(16)]),
                                             "full": .object(["size": .number(32)])])
        func reproduction(_ profile: String) -> CatalogReproduction {
            CatalogReproduction(profile: profile, resultsDirectory: dir, force: false, threads: 1, log: { _ in })
        }
        #expect(try !reproduction("tiny").isFinished(spec))
        try Table(columns: ["x"], rows: [[1]]).write(to: spec.outputPath(resultsDirectory: dir))
        try RunRecord(seed: 1, generator: nil, threads: nil, parameters: [:], wallSeconds: 0, started: Date())
            .write(to: RunRecord.sidecarPath(for: spec.outputPath(resultsDirectory: dir)))
        // A committed table alone does not count: only the state the run wrote.
        #expect(try !reproduction("tiny").isFinished(spec))
        try ReproductionState(name: "e", profile: "tiny", fingerprint: try reproduction("tiny").fingerprint(spec)).write(resultsDirectory: dir)
        #expect(try reproduction("tiny").isFinished(spec))
        #expect(try !reproduction("quick").isFinished(spec))
    }

    @Test func requirementsRunFirstAndCyclesAreRejected() throws {
        func spec(_ name: String, _ requires: [String]?) -> ExperimentSpec {
            ExperimentSpec(name: name, description: "", experiment: "network_train",
                           profiles: ["tiny": .object([:]), "quick": .object([:]), "full": .object([:])],
                           outputs: requires == nil ? ["model": "\(name).safetensors"] : nil,
                           table: requires == nil ? "\(name).log.csv" : nil, requires: requires)
        }
        let catalog = ExperimentCatalog(experiments: [spec("a_uses", ["z_train"]), spec("b_plain", []), spec("z_train", nil)])
        #expect(try catalog.select([]).map(\.name) == ["z_train", "a_uses", "b_plain"])
        #expect(try catalog.select(["a_uses"]).map(\.name) == ["z_train", "a_uses"])
        let train = spec("z_train", nil)
        #expect(train.outputPaths(resultsDirectory: "R").paths == ["table": "R/z_train.log.csv", "model": "R/z_train.safetensors"])
        #expect(train.producedFiles(resultsDirectory: "R") == ["R/z_train.log.csv", "R/z_train.log.json", "R/z_train.safetensors"])
        #expect(train.outputPath(resultsDirectory: "R") == "R/z_train.log.csv")
        let cyclic = ExperimentCatalog(experiments: [spec("p", ["q"]), spec("q", ["p"])])
        #expect(throws: ModeLatticeError.self) { try cyclic.select([]) }
        let dangling = ExperimentCatalog(experiments: [spec("p", ["missing"])])
        #expect(throws: ModeLatticeError.self) { try dangling.select([]) }
    }

    /// An entry optional at quick is left out of a whole-catalog run (with its reason) and runs
    /// when asked for; tiny and full can never leave an entry out.
    @Test func optionalEntriesAreLeftOutOnlyOfWholeQuickRuns() throws {
        let dir = try TemporaryDirectory.make("optional")
        var spec = ExperimentSpec(name: "e", description: "", experiment: "percolation_sweep", configuration: .object(["dim": .number(2)]),
                                  profiles: ["tiny": .object(["size": .number(8), "trials": .number(2)]),
                                             "quick": .object(["size": .number(8), "trials": .number(2)]),
                                             "full": .object(["size": .number(8), "trials": .number(2)])])
        spec.optionalIn = ["quick": "too slow for make run"]
        var reproduction = CatalogReproduction(profile: "quick", resultsDirectory: dir, force: false, threads: 1, log: { _ in })
        let whole = try reproduction.run([spec])
        #expect(whole.ran.isEmpty && whole.leftOut.map(\.name) == ["e"] && whole.leftOut[0].reason == "too slow for make run")
        #expect(!FileManager.default.fileExists(atPath: spec.outputPath(resultsDirectory: dir)))
        reproduction.includeOptional = true
        #expect(try reproduction.run([spec]).ran == ["e"])
        let tiny = CatalogReproduction(profile: "tiny", resultsDirectory: dir, force: false, threads: 1, log: { _ in })
        #expect(try tiny.run([spec]).ran == ["e"])
        for (profile, reason) in [("tiny", "x"), ("full", "x"), ("quick", " ")] {
            let json = #"{"name":"e","description":"d","experiment":"percolation_sweep","optionalIn":{"P":"R"},"profiles":{"tiny":{},"quick":{},"full":{}}}"#
                .replacingOccurrences(of: "\"P\"", with: "\"\(profile)\"").replacingOccurrences(of: "\"R\"", with: "\"\(reason)\"")
            do {
                _ = try ExperimentCatalog.parseEntry(Data(json.utf8), path: "experiments/e.json")
                Issue.record("optionalIn \(profile) '\(reason)' was accepted")
            } catch let e as ModeLatticeError {
                #expect(e.kind == .data && e.message.contains("optionalIn"), "\(e.message)")
            }
        }
    }
}
