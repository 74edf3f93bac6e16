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
    @Test func everyExperimentFileLoads() throws {
        let catalog = try ExperimentCatalog.load(directory: projectRoot + "/experiments")
        #expect(!catalog.experiments.isEmpty)
        for spec in catalog.experiments {
            #expect(!spec.columns.isEmpty, "\(spec.name) declares no columns")
            for profile in ExperimentSpec.profileNames {
                let args = try spec.invocation(profile: profile, resultsDirectory: "R")
                #expect(Array(args.prefix(spec.command.count)) == spec.command)
                #expect(args.contains("R/\(spec.name).csv"))
            }
            // Profiles differ, so their fingerprints differ.
            #expect(try spec.fingerprint(profile: "tiny") != spec.fingerprint(profile: "full"))
        }
    }

    @Test func rejectsBrokenAndMisnamedFiles() throws {
        let dir = NSTemporaryDirectory() + "catalog-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
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
    }

    @Test func finishedStatusFollowsFingerprint() throws {
        let dir = NSTemporaryDirectory() + "status-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let spec = ExperimentSpec(name: "e", description: "", command: ["c"], arguments: ["--a", "1"],
                                  profiles: ["tiny": ["--n", "1"], "quick": ["--n", "2"], "full": ["--n", "3"]],
                                  columns: ["x"], outputs: nil, outputFlag: nil)
        #expect(!ExperimentStatus.isFinished(spec, profile: "tiny", resultsDirectory: dir))
        RunContext.experiment = .init(name: "e", profile: "tiny", fingerprint: try spec.fingerprint(profile: "tiny"))
        defer { RunContext.experiment = nil }
        try Table(columns: ["x"], rows: [[1]]).write(
            to: spec.outputPath(resultsDirectory: dir),
            record: RunRecord(seed: 1, generator: nil, threads: nil, parameters: [:], wallSeconds: 0, started: Date()))
        #expect(ExperimentStatus.isFinished(spec, profile: "tiny", resultsDirectory: dir))
        #expect(!ExperimentStatus.isFinished(spec, profile: "quick", resultsDirectory: dir))
    }
}
