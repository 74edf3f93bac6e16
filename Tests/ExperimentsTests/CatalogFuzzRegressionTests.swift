import Foundation
import Testing
@testable import Experiments
import Support

/// Catalog files that the libFuzzer target `Fuzz/CatalogFuzz.swift` found mishandled: each must be
/// a one-line data error (exit 65) when the file is parsed, not a failure later at run time.
@Suite struct CatalogFuzzRegressionTests {
    func parse(_ json: String) throws -> ExperimentSpec {
        try ExperimentCatalog.parseEntry(Data(json.utf8), path: "experiments/fuzz.json")
    }

    /// A command-line entry whose profile is an object: `reproduce` failed on it with a usage
    /// error (exit 64) claiming the profile did not exist.
    @Test func commandLineProfileMustBeAnArgumentList() throws {
        let base = #"{"name":"fuzz","description":"d","command":["percolation","sweep"],"arguments":[],"columns":["p"],"profiles":{"tiny":["--size","8"],"quick":QUICK,"full":[]}}"#
        let good = try parse(base.replacingOccurrences(of: "QUICK", with: #"["--size","64"]"#))
        #expect(try good.invocation(profile: "quick", resultsDirectory: "R") == ["percolation", "sweep", "--size", "64", "--output", "R/fuzz.csv"])
        for bad in [#"{"size":64}"#, #"["--size",64]"#, "null"] {
            do {
                _ = try parse(base.replacingOccurrences(of: "QUICK", with: bad))
                Issue.record("expected a data error for profile \(bad)")
            } catch let e as ModeLatticeError {
                #expect(e.kind == .data)
                #expect(e.exitCode == 65)
                #expect(e.message == "experiment 'fuzz': profile 'quick' must be a list of arguments (strings)")
            }
        }
    }
}
