import Foundation
import Testing
import TestSupport
import Support

private enum ResNetData {
    /// A little CIFAR-shaped .npy dataset: n uint8 images [n, 3, 16, 16], labels [n] int64 in 0..<4,
    /// each class a different mean brightness plus GSL noise.
    static func write(_ dir: String, n: Int = 48, labelCount: Int? = nil) throws -> (String, String) {
        let rng = try RandomGenerator(seed: 5)
        var pixels: [UInt8] = []
        var labels: [Int64] = []
        for i in 0..<n {
            let c = i % 4
            labels.append(Int64(c))
            for _ in 0..<(3 * 16 * 16) { pixels.append(UInt8(max(0, min(255, 40 + 50 * c + Int(30 * rng.gaussian()))))) }
        }
        let images = dir + "/images.npy", labelsPath = dir + "/labels.npy"
        try NPYArray(uint8: pixels, shape: [n, 3, 16, 16]).write(to: images)
        try NPYArray(int64: Array(labels.prefix(labelCount ?? n)), shape: [labelCount ?? n]).write(to: labelsPath)
        return (images, labelsPath)
    }
}

@Suite(.serialized) struct EvolutionCLITests {
    static let tinyNet = "resnet18-cifar:width=2,input=3x16x16,num_classes=4"

    func evolution(_ dir: String, data: (String, String), threads: Int, output: String) throws -> CLI.Outcome {
        try CLI.run(["input", "evolution", "--arch", Self.tinyNet, "--data-npy", data.0, data.1,
                     "--batches", "2", "--checkpoints", "0,2", "--batch-size", "16", "--classes", "2", "--pairs-per-class", "2",
                     "--points", "8", "--fv-iterations", "15", "--bypass-output", dir + "/bypass-\(threads).csv",
                     "--seed", "4", "--threads", String(threads), "--quiet", "--output", output])
    }

    /// The F.1 table has one row per checkpoint × class × pair, with a barrier at least the gap;
    /// the Fig. 7 table one row per pair of the untrained net; both are identical for 1 and 2 threads.
    @Test func evolutionWritesBothTablesDeterministically() throws {
        let dir = try TemporaryDirectory.make("resnetcli")
        let data = try ResNetData.write(dir)
        let r1 = try evolution(dir, data: data, threads: 1, output: dir + "/f1.csv")
        #expect(r1.status == 0, "\(r1.stderr)")
        let r2 = try evolution(dir, data: data, threads: 2, output: dir + "/f2.csv")
        #expect(r2.status == 0, "\(r2.stderr)")
        let csv = try String(contentsOfFile: dir + "/f1.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "batch,class,pair,barrier_max,barrier_gap")
        #expect(lines.count == 1 + 2 * 2 * 2)
        let rows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.map { $0[0] } == ["0", "0", "0", "0", "2", "2", "2", "2"])
        #expect(rows.map { $0[1] + $0[2] } == ["00", "01", "10", "11", "00", "01", "10", "11"])
        for row in rows {
            let top = Double(row[3])!, gap = Double(row[4])!
            #expect(gap >= 0 && top >= gap - 1e-12)
        }
        #expect(FileManager.default.contents(atPath: dir + "/f1.csv") == FileManager.default.contents(atPath: dir + "/f2.csv"))
        #expect(FileManager.default.contents(atPath: dir + "/bypass-1.csv") == FileManager.default.contents(atPath: dir + "/bypass-2.csv"))
        let bypass = try String(contentsOfFile: dir + "/bypass-1.csv", encoding: .utf8).split(separator: "\n")
        #expect(bypass.first == "pair,class,barrier_max,barrier_gap,bypass_barrier_max,bypass_barrier_gap,bypass_deviation,bypass_steps,bypass_status")
        #expect(bypass.count == 1 + 4)
        // The untrained rows of both tables are the same pairs.
        for (i, line) in bypass.dropFirst().enumerated() {
            let f = line.split(separator: ",").map(String.init)
            #expect(f[2] == lines[1 + i].split(separator: ",")[3])
            #expect(Double(f[4])! <= Double(f[2])!)          // the bypass never ends above the straight path
            #expect(["met", "step_cap", "no_barrier"].contains(f[8]), "\(f[8])")
        }
        let sidecar = try String(contentsOfFile: dir + "/f1.json", encoding: .utf8)
        #expect(sidecar.contains("npy:"))
    }

    /// A ResNet trains on .npy data (batch norm in training mode) and the saved model evaluates.
    @Test func trainAndEvaluateResNetOnNPYData() throws {
        let dir = try TemporaryDirectory.make("resnetcli")
        let data = try ResNetData.write(dir)
        let model = dir + "/r.safetensors"
        let t = try CLI.run(["train", "--arch", Self.tinyNet, "--data-npy", data.0, data.1, "--epochs", "10", "--batch-size", "16",
                             "--lr", "0.01", "--seed", "2", "--quiet", "--output", model])
        #expect(t.status == 0, "\(t.stderr)")
        let e = try CLI.run(["evaluate", "--model", model, "--data-npy", data.0, data.1])
        #expect(e.status == 0, "\(e.stderr)")
        let row = e.stdout.split(separator: "\n").last!.split(separator: ",")
        #expect(row.count == 4 && row[1] == "48")
        // Four well-separated brightness classes: far above chance (0.25) after ten epochs (30 steps: the running statistics have caught up).
        #expect((Double(row[3]) ?? 0) > 0.9, "\(e.stdout)")
    }

    @Test func badDataIsRejectedWithExit65() throws {
        let dir = try TemporaryDirectory.make("resnetcli")
        let mismatched = try ResNetData.write(dir, labelCount: 40)
        let r = try CLI.run(["evaluate", "--model", "x.safetensors", "--spec", Self.tinyNet, "--data-npy", mismatched.0, mismatched.1])
        // The model file is missing: an I/O error comes first; create one to reach the data check.
        #expect(r.status != 0)
        let model = dir + "/m.safetensors"
        #expect(try CLI.run(["init", "--arch", Self.tinyNet, "--seed", "1", "--output", model]).status == 0)
        let mis = try CLI.run(["evaluate", "--model", model, "--data-npy", mismatched.0, mismatched.1])
        #expect(mis.status == 65 && mis.stderr.contains("48 images") && mis.stderr.contains("40 labels"), "\(mis.stderr)")
        #expect(mis.stderr.split(separator: "\n").count == 1)
        // Images that do not fit the model (3×16×16 data, 3×32×32 model).
        let data = try ResNetData.write(dir)
        let out = dir + "/no.csv"
        let fit = try CLI.run(["input", "evolution", "--arch", "resnet18-cifar:width=2", "--data-npy", data.0, data.1,
                               "--batches", "1", "--output", out])
        #expect(fit.status == 65 && fit.stderr.contains("[3, 32, 32]"), "\(fit.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let spec = try CLI.run(["input", "evolution", "--arch", "resnet18:depth=3", "--batches", "0", "--output", out])
        #expect(spec.status == 64 && spec.stderr.contains("depth"), "\(spec.stderr)")
        let bad = try CLI.run(["input", "evolution", "--arch", Self.tinyNet, "--batches", "3", "--checkpoints", "0,5", "--output", out])
        #expect(bad.status == 64)
    }
}
