import Foundation
import Testing
import TestSupport

/// End-to-end tests of `modelattice input …` on the built release binary: exit codes and output.
@Suite(.serialized) struct InputCommandTests {
    /// A scratch directory with a small MLP trained one epoch on the synthetic Gaussian-mixture set.
    static let fixture: String = {
        let dir = (try? TemporaryDirectory.make("input-cli")) ?? NSTemporaryDirectory()
        _ = try? CLI.run(["train", "--dataset", "synthetic", "--arch", "mlp:784-32-10", "--epochs", "2", "--seed", "1",
                          "--threads", "1", "--quiet", "--output", dir + "/mlp.safetensors"])
        _ = try? CLI.run(["init", "--arch", "mlp:100-10", "--seed", "1", "--output", dir + "/small.safetensors"])
        return dir
    }()

    @Test func pairsWritesTheContractColumnsProfilesAndSidecar() throws {
        let dir = Self.fixture
        let r = try CLI.run(["input", "pairs", "--model", dir + "/mlp.safetensors", "--dataset", "synthetic", "--kind", "real",
                             "--pairs", "6", "--points", "20", "--bypass", "--seed", "3", "--threads", "2",
                             "--output", dir + "/pairs.csv", "--profiles", dir + "/profiles.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOfFile: dir + "/pairs.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "pair,class,kind,loss_a,loss_c,barrier_max,barrier_gap,bypass_barrier_max,bypass_barrier_gap,bypass_deviation,bypass_status")
        #expect(csv.count == 7)
        for line in csv.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(f.count == 11 && f[2] == "real")
            let (la, lc, bmax, gap) = (Double(f[3])!, Double(f[4])!, Double(f[5])!, Double(f[6])!)
            #expect(abs(gap - (bmax - max(la, lc))) < 1e-9 && gap >= 0)
            #expect(Double(f[7])! >= max(la, lc) - 1e-9)      // the bent path still contains A and C
            #expect(Double(f[7])! <= bmax)                    // and is never higher than the straight one
            #expect(["met", "step_cap", "no_barrier"].contains(f[10]), "\(f[10])")
        }
        let profiles = try String(contentsOfFile: dir + "/profiles.csv", encoding: .utf8).split(separator: "\n")
        #expect(profiles.first == "pair,path,alpha,loss")
        #expect(profiles.filter { $0.contains(",linear,") }.count == 6 * 20)
        #expect(FileManager.default.fileExists(atPath: dir + "/pairs.json"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/pairs.csv.partial.jsonl"))
        // Same seed, one thread: identical table.
        let again = try CLI.run(["input", "pairs", "--model", dir + "/mlp.safetensors", "--dataset", "synthetic", "--kind", "real",
                                 "--pairs", "6", "--points", "20", "--bypass", "--seed", "3", "--threads", "1",
                                 "--output", dir + "/pairs1.csv"])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: dir + "/pairs1.csv", encoding: .utf8) == csv.joined(separator: "\n") + "\n")
    }

    @Test func adversarialAndDetectWriteTheirContractColumns() throws {
        let dir = Self.fixture
        let a = try CLI.run(["input", "adversarial", "--model", dir + "/mlp.safetensors", "--dataset", "synthetic",
                             "--attack", "pgd", "--epsilon", "0.5", "--pairs", "4", "--points", "16", "--seed", "2",
                             "--output", dir + "/adv.csv"])
        #expect(a.status == 0, "\(a.stderr)")
        let adv = try String(contentsOfFile: dir + "/adv.csv", encoding: .utf8).split(separator: "\n")
        #expect(adv.first == "pair,pair_type,source_class,target_class,loss_a,loss_c,barrier_max,barrier_gap")
        #expect(adv.count == 9)
        #expect(adv.filter { $0.contains(",real-adversarial,") }.count == 4 && adv.filter { $0.contains(",real-real,") }.count == 4)
        let d = try CLI.run(["input", "detect", "--model", dir + "/mlp.safetensors", "--dataset", "synthetic", "--attack", "pgd",
                             "--epsilon", "0.5", "--references", "2", "--examples", "8", "--points", "16", "--resamples", "50",
                             "--seed", "2", "--output", dir + "/det.csv", "--scores", dir + "/scores.csv"])
        #expect(d.status == 0, "\(d.stderr)")
        let det = try String(contentsOfFile: dir + "/det.csv", encoding: .utf8).split(separator: "\n")
        #expect(det.first == "attack,score,auroc,auroc_low,auroc_high,tpr_at_5fpr,n_real,n_adversarial")
        #expect(det.dropFirst().map { String($0.split(separator: ",")[1]) } == ["confidence", "barrier_max", "barrier_gap", "curve_classifier"])
        #expect(det.dropFirst().allSatisfy { $0.split(separator: ",")[6] == "4" })
        #expect(try String(contentsOfFile: dir + "/scores.csv", encoding: .utf8).hasPrefix("attack,score,label,value\n"))
    }

    @Test(arguments: [
        (["--pairs", "0"], Int32(64), "--pairs"),
        (["--pairs", "2", "--points", "1"], Int32(64), "--points"),
        (["--pairs", "2", "--class", "12"], Int32(64), "outside the model's outputs"),
        (["--pairs", "2", "--model-override-small"], Int32(65), "shape"),
    ])
    func pairsRejectsBadInput(extra: [String], status: Int32, message: String) throws {
        let dir = Self.fixture
        let model = extra.contains("--model-override-small") ? dir + "/small.safetensors" : dir + "/mlp.safetensors"
        let args = ["input", "pairs", "--model", model, "--dataset", "synthetic", "--seed", "1", "--output", dir + "/bad.csv"]
            + extra.filter { $0 != "--model-override-small" }
        let r = try CLI.run(args)
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stderr.contains(message))
        #expect(r.stderr.split(separator: "\n").count <= 3)   // ArgumentParser adds a usage line; ours is one line
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.csv"))
    }

    @Test func detectAndAdversarialRejectBadInput() throws {
        let dir = Self.fixture
        let d = try CLI.run(["input", "detect", "--model", dir + "/mlp.safetensors", "--dataset", "synthetic", "--examples", "2",
                             "--output", dir + "/bad2.csv"])
        #expect(d.status == 64 && d.stderr.contains("--examples"))
        let a = try CLI.run(["input", "adversarial", "--model", dir + "/missing.safetensors", "--dataset", "synthetic",
                             "--pairs", "2", "--output", dir + "/bad2.csv"])
        #expect(a.status != 0 && a.stderr.hasPrefix("modelattice: error") && a.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad2.csv"))
    }

    /// `--protocol`: an unknown name lists the valid ones; a flag that contradicts the named preset
    /// is rejected naming the flag; flags the preset does not fix are accepted beside it.
    @Test func protocolNamesAreCheckedAndPresetsCannotBeContradicted() throws {
        let dir = Self.fixture
        let model = ["--model", dir + "/mlp.safetensors", "--dataset", "synthetic"]
        let unknown = try CLI.run(["input", "pairs"] + model + ["--protocol", "vrabel2023", "--output", dir + "/p.csv"])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown protocol 'vrabel2023' (valid: modelattice, vrabel2024)"), "\(unknown.stderr)")
        #expect(unknown.stderr.split(separator: "\n").count == 1)
        let points = try CLI.run(["input", "pairs"] + model + ["--protocol", "vrabel2024", "--points", "250", "--output", dir + "/p.csv"])
        #expect(points.status == 64 && points.stderr.contains("--points contradicts protocol vrabel2024, which fixes it at 1000 (got 250)"),
                "\(points.stderr)")
        let early = try CLI.run(["input", "pairs"] + model + ["--protocol", "modelattice", "--bypass", "--no-early-stop", "--output", dir + "/p.csv"])
        #expect(early.status == 64 && early.stderr.contains("--no-early-stop contradicts protocol modelattice"), "\(early.stderr)")
        let attack = try CLI.run(["input", "adversarial"] + model + ["--protocol", "vrabel2024", "--attack", "pgd", "--output", dir + "/p.csv"])
        #expect(attack.status == 64 && attack.stderr.contains("--attack contradicts protocol vrabel2024"), "\(attack.stderr)")
        let pairs = try CLI.run(["input", "adversarial"] + model + ["--protocol", "vrabel2024", "--pairs", "10", "--output", dir + "/p.csv"])
        #expect(pairs.status == 64 && pairs.stderr.contains("--pairs contradicts protocol vrabel2024, which fixes it at 70 (got 10)"), "\(pairs.stderr)")
        let claims = try CLI.run(["claims", "--protocol", "nope", "--output", dir + "/c.csv"])
        #expect(claims.status == 64 && claims.stderr.contains("valid: modelattice, vrabel2024"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/p.csv"))
        // Flags the preset leaves alone (here --pairs) run under it, and the sidecar records the protocol.
        let run = try CLI.run(["input", "pairs"] + model + ["--protocol", "vrabel2024", "--pairs", "2", "--points", "1000",
                              "--seed", "4", "--output", dir + "/pv.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let sidecar = try String(contentsOfFile: dir + "/pv.json", encoding: .utf8)
        #expect(sidecar.contains("\"protocol\" : \"vrabel2024\"") || sidecar.contains("\"protocol\":\"vrabel2024\""), "\(sidecar.prefix(400))")
    }
}
