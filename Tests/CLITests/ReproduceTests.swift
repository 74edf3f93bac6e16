import Experiments
import Support
import Foundation
import Testing
import TestSupport

/// `modelattice reproduce`: the whole catalog at the tiny profile, end to end, in a scratch results
/// directory; every table must have exactly the columns its experiment file declares, and a rerun
/// skips finished experiments.
@Suite(.serialized) struct ReproduceTests {
    @Test func tinyProfileRunsEveryExperimentWithItsDocumentedColumns() throws {
        let results = try TemporaryDirectory.make("reproduce")
        let catalog = try ExperimentCatalog.load(directory: CLI.root + "/experiments")
        let r = try CLI.run(["reproduce", "--profile", "tiny", "--experiments", CLI.root + "/experiments",
                             "--results", results])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        for spec in catalog.experiments {
            let path = spec.outputPath(resultsDirectory: results)
            #expect(FileManager.default.fileExists(atPath: path), "\(spec.name) wrote no table")
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let table = try CLI.csv(path)
            let declared = try ExperimentRegistry.named(spec.experiment).columns
            #expect(table.header == declared, "\(spec.name): columns differ")
            #expect(!table.rows.isEmpty, "\(spec.name): no rows")
            #expect(FileManager.default.fileExists(atPath: RunRecord.sidecarPath(for: path)))
        }
        // A rerun finds every experiment finished and skips it.
        let again = try CLI.run(["reproduce", "--profile", "tiny", "--experiments", CLI.root + "/experiments",
                                 "--results", results])
        #expect(again.status == 0)
        #expect(again.stderr.components(separatedBy: "up to date, skipped").count - 1 == catalog.experiments.count)
        #expect(again.stdout.contains("0 run, \(catalog.experiments.count) already finished"))
        // The state that decides it lives beside the results, not in the tables.
        #expect(FileManager.default.fileExists(atPath: results + "/.state"))
    }

    @Test func unknownExperimentAndProfileAreUsageErrors() throws {
        let r = try CLI.run(["reproduce", "--only", "no_such_experiment", "--experiments", CLI.root + "/experiments"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("no experiment named 'no_such_experiment'"))
        let p = try CLI.run(["reproduce", "--profile", "huge"])
        #expect(p.status == 64)
    }
}
