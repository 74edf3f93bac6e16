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
            if let type = spec.experiment {
                // Typed: the type exists, every profile decodes over its defaults, no column copies.
                let registered = try ExperimentRegistry.named(type)
                #expect(spec.columns == nil, "\(spec.name) repeats its columns")
                var prints: [String: String] = [:]
                for profile in ExperimentSpec.profileNames {
                    let overrides = try spec.overrides(profile: profile, resultsDirectory: "R")
                    #expect(!overrides.canonicalText.contains("{results}"))
                    prints[profile] = try registered.fingerprint(overrides, settings: RunSettings(seed: spec.seed ?? 1))
                }
                #expect(prints["tiny"] != prints["full"], "\(spec.name): tiny and full are the same run")
            } else {
                let command = try #require(spec.command)
                #expect(!(spec.columns ?? []).isEmpty, "\(spec.name) declares no columns")
                for profile in ExperimentSpec.profileNames {
                    let args = try spec.invocation(profile: profile, resultsDirectory: "R")
                    #expect(Array(args.prefix(command.count)) == command)
                    #expect(args.contains("R/" + (spec.outputFile ?? spec.name + ".csv")))
                    #expect(!args.contains { $0.contains("{results}") })
                }
                #expect(try spec.legacyFingerprint(profile: "tiny") != spec.legacyFingerprint(profile: "full"))
            }
        }
    }

    @Test func rejectsBrokenAndMisnamedFiles() throws {
        let dir = try TemporaryDirectory.make("catalog")
        try "{ not json".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        #expect(throws: ModeLatticeError.self) { try ExperimentCatalog.load(directory: dir) }
        try FileManager.default.removeItem(atPath: dir + "/bad.json")
        let spec = """
        {"name": "other", "description": "d", "command": ["x"], "arguments": [],
         "profiles": {"tiny": [], "quick": [], "full": []}, "columns": ["a"]}
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
        let spec = ExperimentSpec(name: "e", description: "", profiles: ["tiny": .array([.string("--n"), .string("1")]), "quick": .array([.string("--n"), .string("2")]), "full": .array([.string("--n"), .string("3")])],
                                  command: ["c"], arguments: ["--a", "1"], columns: ["x"])
        func reproduction(_ profile: String) -> CatalogReproduction {
            CatalogReproduction(profile: profile, resultsDirectory: dir, force: false, threads: 1,
                                legacyCommand: { _, _ in }, log: { _ in })
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
            ExperimentSpec(name: name, description: "", profiles: ["tiny": .array([]), "quick": .array([]), "full": .array([])],
                           table: requires == nil ? "\(name).log.csv" : nil, requires: requires, command: ["c"],
                           arguments: ["--model", "{results}/m.safetensors"], columns: ["x"],
                           outputFile: requires == nil ? "\(name).safetensors" : nil)
        }
        let catalog = ExperimentCatalog(experiments: [spec("a_uses", ["z_train"]), spec("b_plain", []), spec("z_train", nil)])
        #expect(try catalog.select([]).map(\.name) == ["z_train", "a_uses", "b_plain"])
        #expect(try catalog.select(["a_uses"]).map(\.name) == ["z_train", "a_uses"])
        let train = spec("z_train", nil)
        #expect(try train.invocation(profile: "tiny", resultsDirectory: "R") == ["c", "--model", "R/m.safetensors", "--output", "R/z_train.safetensors"])
        #expect(train.outputPath(resultsDirectory: "R") == "R/z_train.log.csv")
        let cyclic = ExperimentCatalog(experiments: [spec("p", ["q"]), spec("q", ["p"])])
        #expect(throws: ModeLatticeError.self) { try cyclic.select([]) }
        let dangling = ExperimentCatalog(experiments: [spec("p", ["missing"])])
        #expect(throws: ModeLatticeError.self) { try dangling.select([]) }
    }
}
