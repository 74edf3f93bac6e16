import Foundation
import Testing
import TestSupport

/// `modelattice params star`, `params geodesic` and `input star`, run as the built binary on the
/// synthetic dataset (tiny sizes), with the contract columns and the bad-input exits.
@Suite struct StarCLITests {
    static let tiny = ["--dataset", "synthetic", "--arch", "mlp:784-16-10", "--epochs", "1", "--train-subset", "300",
                       "--eval-train", "100", "--eval-test", "100", "--points", "5", "--center-steps", "20", "--batch-size", "32",
                       "--seed", "4", "--quiet"]

    @Test func starTinyRunWritesContractColumnsAndResumes() throws {
        let dir = try TemporaryDirectory.make("star-cli")
        let args = ["params", "star", "--minima", "3", "--held-out", "--profiles", dir + "/p.csv", "--output", dir + "/s.csv"] + Self.tiny
        let r = try CLI.run(args + ["--threads", "2"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let t = try CLI.csv(dir + "/s.csv")
        #expect(t.header == ["i", "j", "distance", "direct_barrier", "direct_min_accuracy", "center_barrier",
                             "center_min_accuracy", "two_piece_length", "geodesic_bound"])
        #expect(t.rows.map { [$0[0], $0[1]] } == [["0", "1"], ["0", "2"], ["1", "2"]])
        for row in t.rows {
            #expect((Double(row[8]) ?? 0) >= 1)
            #expect((Double(row[3]) ?? -1) >= 0 && (Double(row[5]) ?? -1) >= 0)
        }
        let p = try CLI.csv(dir + "/p.csv")
        #expect(p.header == ["path", "t", "loss", "accuracy"])
        // 3 spokes + 3 direct + 2 held-out-trained + 1 held-out, 2 splits, 5 points.
        #expect(p.rows.count == 9 * 2 * 5)
        #expect(Set(p.rows.map { $0[0] }).contains("direct:0-2:test"))
        for k in 0..<3 { #expect(FileManager.default.fileExists(atPath: dir + "/s_minima/minimum_\(k).safetensors")) }
        // Rerun with one thread: minima reused (their files are not rewritten), identical table and
        // provenance sidecar (whether the cache was used is not a result).
        let first = try String(contentsOfFile: dir + "/s.csv", encoding: .utf8)
        let firstSidecar = try String(contentsOfFile: dir + "/s.json", encoding: .utf8)
        func stamps() throws -> [Date] {
            try (0..<3).map { try FileManager.default.attributesOfItem(atPath: dir + "/s_minima/minimum_\($0).safetensors")[.modificationDate] as! Date }
        }
        let before = try stamps()
        let again = try CLI.run(args + ["--threads", "1"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(try String(contentsOfFile: dir + "/s.csv", encoding: .utf8) == first)
        #expect(try stamps() == before, "the cached minima were retrained")
        func notes(_ text: String) throws -> [String] {
            (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["notes"] as? [String] ?? []
        }
        let secondNotes = try notes(String(contentsOfFile: dir + "/s.json", encoding: .utf8))
        #expect(secondNotes.contains { $0.contains("minima cached in") })
        #expect(secondNotes == (try notes(firstSidecar)))
    }

    @Test func geodesicTinyRun() throws {
        let dir = try TemporaryDirectory.make("star-cli")
        let r = try CLI.run(["params", "geodesic", "--minima", "2", "--lambdas", "0,0.01", "--output", dir + "/g.csv"] + Self.tiny)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let t = try CLI.csv(dir + "/g.csv")
        #expect(t.header == ["i", "j", "lambda", "barrier", "min_accuracy", "geodesic_bound"])
        #expect(t.rows.map { $0[2] } == ["0", "0.01"])
        for row in t.rows { #expect((Double(row[5]) ?? 0) >= 1) }
    }

    /// --trace writes one row per check (steps 0, 10, 20 of a 20-step cap), and the plateau rule
    /// ends a run with a long cap early; bad stopping options exit 64.
    @Test func traceAndPlateauRule() throws {
        let dir = try TemporaryDirectory.make("star-cli")
        let r = try CLI.run(["params", "star", "--minima", "2", "--center-check-every", "10", "--trace", dir + "/t.csv",
                             "--output", dir + "/s.csv"] + Self.tiny)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let t = try CLI.csv(dir + "/t.csv")
        #expect(t.header == ["center", "lambda", "step", "sampled_risk", "objective", "center_train_loss", "center_test_accuracy",
                             "max_barrier", "min_accuracy", "max_geodesic_bound", "converged"])
        #expect(t.rows.map { $0[2] } == ["0", "10", "20"])
        let g = try CLI.run(["params", "geodesic", "--minima", "2", "--lambdas", "0,0.01", "--center-check-every", "10",
                             "--center-tolerance", "0.5", "--trace", dir + "/gt.csv", "--output", dir + "/g.csv"]
                            + Self.tiny.map { $0 == "20" ? "100000" : $0 })
        #expect(g.status == 0, "stderr: \(g.stderr)")
        let gt = try CLI.csv(dir + "/gt.csv")
        // Every unit stops on its own: patience 2 after the first two checks at the latest under τ = 0.5.
        #expect(Set(gt.rows.map { $0[1] }) == ["0", "0.01"])
        #expect(gt.rows.filter { $0[10] == "1" }.count == 2)
        #expect(gt.rows.allSatisfy { (Int($0[2]) ?? .max) < 1000 })
        for bad in [["--center-tolerance", "-1"], ["--center-check-every", "0"], ["--center-patience", "0"], ["--center-check-points", "1"]] {
            let b = try CLI.run(["params", "star", "--minima", "2", "--output", dir + "/b.csv"] + bad + Self.tiny)
            #expect(b.status == 64, "\(bad): \(b.stderr)")
        }
    }

    @Test func badInputsExitCleanly() throws {
        let dir = try TemporaryDirectory.make("star-cli")
        let k1 = try CLI.run(["params", "star", "--minima", "1", "--output", dir + "/a.csv"] + Self.tiny)
        #expect(k1.status == 64)
        let spec = try CLI.run(["params", "star", "--minima", "2", "--output", dir + "/b.csv"] + Self.tiny.map { $0 == "mlp:784-16-10" ? "mlp:784-x-10" : $0 })
        #expect(spec.status == 64)
        #expect(spec.stderr.split(separator: "\n").count == 1, "\(spec.stderr)")
        // Minima trained with another spec in the minima directory: data error, nothing written.
        let ok = try CLI.run(["params", "star", "--minima", "2", "--output", dir + "/c.csv"] + Self.tiny)
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        let other = try CLI.run(["params", "star", "--minima", "2", "--minima-dir", dir + "/c_minima", "--output", dir + "/d.csv"]
                                + Self.tiny.map { $0 == "mlp:784-16-10" ? "mlp:784-8-10" : $0 })
        #expect(other.status == 65)
        #expect(other.stderr.contains("minimum_0.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/d.csv"))
        let lambdas = try CLI.run(["params", "geodesic", "--lambdas", "0,-1", "--output", dir + "/e.csv"] + Self.tiny)
        #expect(lambdas.status == 64)
        let inputs = try CLI.run(["input", "star", "--model", dir + "/c_minima/minimum_0.safetensors", "--inputs", "1",
                                  "--dataset", "synthetic", "--output", dir + "/f.csv"])
        #expect(inputs.status == 64)
    }

    @Test func inputStarTinyRun() throws {
        let dir = try TemporaryDirectory.make("star-cli")
        // A trained model to work on (the synthetic set, one epoch).
        let train = try CLI.run(["train", "--dataset", "synthetic", "--arch", "mlp:784-32-10", "--epochs", "2", "--seed", "2",
                                 "--quiet", "--output", dir + "/m.safetensors"])
        #expect(train.status == 0, "stderr: \(train.stderr)")
        let r = try CLI.run(["input", "star", "--model", dir + "/m.safetensors", "--dataset", "synthetic", "--inputs", "4",
                             "--kind", "real", "--class", "3", "--steps", "50", "--points", "11", "--seed", "5", "--quiet",
                             "--output", dir + "/i.csv"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let t = try CLI.csv(dir + "/i.csv")
        #expect(t.header == ["i", "j", "label", "distance", "direct_barrier", "direct_agreement", "center_barrier",
                             "center_agreement", "two_piece_length", "geodesic_bound"])
        #expect(t.rows.count == 6)
        for row in t.rows {
            #expect(row[2] == "3")
            #expect((Double(row[9]) ?? 0) >= 1)
            #expect((Double(row[5]) ?? -1) >= 0 && (Double(row[5]) ?? 2) <= 1)
        }
    }
}
