import Foundation
import Testing
@testable import Experiments
import Support

private let projectRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

@Suite struct CatalogTests {
    @Test func everyExperimentFileLoadsAndDecodes() throws {
        let catalog = try ExperimentCatalog.load(directory: projectRoot + "/experiments")
        #expect(!catalog.experiments.isEmpty)
        for spec in catalog.experiments {
            if let type = spec.experiment {
                let registered = try ExperimentRegistry.named(type)
                #expect(spec.columns == nil, "\(spec.name) repeats its columns; they belong to \(type)")
                var prints: Set<String> = []
                for profile in ExperimentSpec.profileNames {
                    let overrides = try spec.overrides(profile: profile, resultsDirectory: "R")
                    #expect(!overrides.canonicalText.contains("{results}"))
                    prints.insert(try registered.fingerprint(overrides, settings: RunSettings(seed: spec.seed ?? 1, generator: "mt19937")))
                }
                #expect(prints.count == 3, "\(spec.name): profiles should differ")
            } else {
                #expect(!(spec.columns ?? []).isEmpty, "\(spec.name) declares no columns")
                for profile in ExperimentSpec.profileNames {
                    let args = try spec.invocation(profile: profile, resultsDirectory: "R")
                    #expect(Array(args.prefix(spec.command!.count)) == spec.command!)
                    #expect(args.contains("R/" + (spec.outputFile ?? spec.name + ".csv")))
                    #expect(!args.contains { $0.contains("{results}") })
                }
                #expect(try spec.legacyFingerprint(profile: "tiny") != spec.legacyFingerprint(profile: "full"))
            }
        }
    }

    @Test func rejectsBrokenMisnamedAndMisspeltEntries() throws {
        let dir = TemporaryDirectory.make("catalog")
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

    @Test func requirementsRunFirstAndCyclesAreRejected() throws {
        func spec(_ name: String, _ requires: [String]?) -> ExperimentSpec {
            ExperimentSpec(name: name, description: "", experiment: nil, seed: nil, configuration: nil,
                           profiles: ["tiny": .array([]), "quick": .array([]), "full": .array([])], outputs: nil,
                           table: requires == nil ? "\(name).log.csv" : nil, requires: requires,
                           command: ["c"], arguments: ["--model", "{results}/m.safetensors"], columns: ["x"],
                           outputFlag: nil, outputFile: requires == nil ? "\(name).safetensors" : nil)
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

/// A fresh directory under the system's temporary directory.
enum TemporaryDirectory {
    static func make(_ label: String) -> String {
        let dir = NSTemporaryDirectory() + "\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
