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

    /// A profile that is not an object of configuration fields (once, a command-line entry's
    /// object profile failed at run time with a usage error claiming the profile did not exist).
    @Test func profileMustBeAnObject() throws {
        let base = #"{"name":"fuzz","description":"d","experiment":"percolation_sweep","profiles":{"tiny":{"size":8},"quick":QUICK,"full":{}}}"#
        let good = try parse(base.replacingOccurrences(of: "QUICK", with: #"{"size":64}"#))
        #expect(try good.overrides(profile: "quick", resultsDirectory: "R") == .object(["size": .number(64)]))
        for bad in [#"["--size","64"]"#, "[]", "null", "3"] {
            do {
                _ = try parse(base.replacingOccurrences(of: "QUICK", with: bad))
                Issue.record("expected a data error for profile \(bad)")
            } catch let e as ModeLatticeError {
                #expect(e.kind == .data)
                #expect(e.exitCode == 65)
                #expect(e.message.contains("profile 'quick'"), "\(e.message)")
            }
        }
    }

    /// The former command-line entries are rejected by name, never half-read.
    @Test func commandLineEntriesAreRejected() throws {
        for key in ["command", "arguments", "columns", "outputFile"] {
            let json = #"{"name":"fuzz","description":"d","experiment":"percolation_sweep","KEY":["x"],"profiles":{"tiny":{},"quick":{},"full":{}}}"#
            do {
                _ = try parse(json.replacingOccurrences(of: "KEY", with: key))
                Issue.record("\(key) was accepted")
            } catch let e as ModeLatticeError {
                #expect(e.kind == .data && e.message.contains("'\(key)'") && e.message.contains("command-line entries are gone"), "\(e.message)")
            }
        }
        do {
            _ = try parse(#"{"name":"fuzz","description":"d","profiles":{"tiny":{},"quick":{},"full":{}}}"#)
            Issue.record("an entry without a type was accepted")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .data && e.message.contains("experiment"), "\(e.message)")
        }
    }
}
