import Foundation
import Testing
@testable import Experiments
import Support
import TestSupport

/// The threshold table through ``ExperimentRunner`` at a tiny size: rows in (d, kind) order, the
/// same bytes at 1 and 2 threads, each row equal to the estimator called directly, and the bad
/// input of issue 17 rejected as field errors.
@Suite struct PercolationThresholdsExperimentTests {
    static func tiny() -> PercolationThresholdsExperiment.Configuration {
        var c = PercolationThresholdsExperiment.Configuration()
        c.dims = [9]
        c.kinds = [.bond, .site]
        c.samples = 6
        c.size = 4096
        return c
    }

    @Test func tinyTableIsThreadIndependentAndMatchesTheEstimator() throws {
        let dir = try TemporaryDirectory.make("thresholds")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = Self.tiny()
        let e = PercolationThresholdsExperiment()
        for threads in [1, 2] {
            try ExperimentRunner.run(e, c, outputs: ExperimentOutputs(table: dir + "/t\(threads).csv"),
                                     settings: RunSettings(seed: 5, threads: threads))
        }
        let one = try String(contentsOfFile: dir + "/t1.csv", encoding: .utf8)
        #expect(one == (try String(contentsOfFile: dir + "/t2.csv", encoding: .utf8)))
        let lines = one.split(separator: "\n").map(String.init)
        #expect(lines.first == PercolationThresholdsExperiment.columns.joined(separator: ","))
        #expect(lines.count == 3)
        // Each row is the estimator's own, called without the runner.
        for (i, row) in try e.units(c, ()).enumerated() {
            let direct = try e.estimate(row, c, RunSettings(seed: 5, threads: 1))
            #expect(direct.samples == 6 && direct.size == 4096 && direct.method == "growth")
            let cells = lines[i + 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells[3] == Cell.double(direct.estimate).csv && cells[4] == Cell.double(direct.statisticalError).csv)
            #expect(cells[5] == Cell.double(direct.systematicError).csv && cells[13] == "6")
            // 6 growths of 4096 sites: within 2% of the literature p_c (d = 9: 0.0595 bond, 0.0652 site).
            let estimate = try #require(Double(cells[3])), literature = try #require(Double(cells[7]))
            #expect(abs(estimate - literature) < 0.02 * literature, "\(lines[i + 1])")
        }
        #expect(lines[1].hasPrefix("9,bond,growth,") && lines[2].hasPrefix("9,site,growth,"))
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/t1.json"))) as! [String: Any]
        #expect((sidecar["configuration"] as? [String: Any])?["dims"] as? [Int] == [9])
        #expect((sidecar["notes"] as? [String])?.contains { $0.hasPrefix("d=9 site: growth, N=4096 per growth, 6 samples") } == true)
    }

    /// `samplesByDimension` replaces `samples` for the dimensions it names, and decodes from the
    /// catalog's JSON object with dimension keys.
    @Test func samplesByDimensionOverridesSamplesWhereNamed() throws {
        var c = Self.tiny()
        c.dims = [9, 10]
        c.kinds = [.bond]
        c.samplesByDimension = [10: 4]
        let e = PercolationThresholdsExperiment()
        try e.validate(c)
        let rows = try e.units(c, ())
        #expect(try e.estimate(rows[0], c, RunSettings(seed: 5, threads: 1)).samples == 6)
        #expect(try e.estimate(rows[1], c, RunSettings(seed: 5, threads: 1)).samples == 4)
        let decoded = try RegisteredExperiment.configuration(PercolationThresholdsExperiment.self, .object([
            "samples": .number(256), "samplesByDimension": .object(["4": .number(384), "7": .number(128)])]))
        #expect(decoded.samplesByDimension == [4: 384, 7: 128] && decoded.samples == 256)
    }

    @Test func rowsAreUnitsInDimensionThenKindOrder() throws {
        var c = PercolationThresholdsExperiment.Configuration()
        c.dims = [3, 5]
        let rows = try PercolationThresholdsExperiment().units(c, ())
        #expect(rows.map(\.dimension) == [3, 3, 5, 5])
        #expect(rows.map(\.kind.rawValue) == ["site", "bond", "site", "bond"])
    }

    @Test func badInputIsAFieldError() throws {
        func field(_ change: (inout PercolationThresholdsExperiment.Configuration) -> Void) -> String? {
            var c = Self.tiny()
            change(&c)
            do { try PercolationThresholdsExperiment().validate(c) } catch let e as ModeLatticeError { return e.field } catch { return "?" }
            return nil
        }
        #expect(field { _ in } == nil)
        #expect(field { $0.samples = 0 } == "samples")
        #expect(field { $0.trials = 1 } == "trials")
        #expect(field { $0.samplesByDimension = [9: 1] } == "samplesByDimension")
        #expect(field { $0.samplesByDimension = [4: 64] } == "samplesByDimension")
        #expect(field { $0.dims = [1] } == "dims")
        #expect(field { $0.budget = 0 } == "budget")
        #expect(field { $0.size = nil; $0.checkpoints = [4096, 2048, 8192, 16384] } == "checkpoints")
        #expect(field { $0.checkpoints = [2048, 4096, 8192, 16384] } == "size")
        #expect(field { $0.dims = [7]; $0.fit = .scaling } == "fit")
        #expect(field { $0.dims = [3]; $0.method = .wrapping } == "method")
    }
}
