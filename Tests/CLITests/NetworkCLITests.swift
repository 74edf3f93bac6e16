import Foundation
import Testing
import TestSupport
import Support

@Suite(.serialized) struct NetworkCLITests {
    /// init → predict → gradient on an untrained network: shapes, and the gradient's relation to
    /// the logits (for a linear model ∂ℓ/∂x = Wᵀ(softmax(z) − e_y), checked through predict).
    @Test func initPredictGradient() throws {
        let dir = try TemporaryDirectory.make("netcli")
        let model = dir + "/m.safetensors"
        let r = try CLI.run(["init", "--arch", "mlp:784-32-10", "--init", "gaussian", "--sigma-w", "1.5", "--sigma-b", "0.1",
                             "--seed", "3", "--output", model])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("25450 parameters"))
        let again = dir + "/m2.safetensors"
        _ = try CLI.run(["init", "--arch", "mlp:784-32-10", "--init", "gaussian", "--sigma-w", "1.5", "--sigma-b", "0.1", "--seed", "3", "--output", again])
        #expect(FileManager.default.contents(atPath: model) == FileManager.default.contents(atPath: again))

        let n = 6
        let x = (0..<(n * 784)).map { Float(($0 * 37) % 101) / 100 }
        try NPYArray(float32: x, shape: [n, 1, 28, 28]).write(to: dir + "/x.npy")
        try NPYArray(int64: [0, 1, 2, 3, 4, 9], shape: [n]).write(to: dir + "/y.npy")
        let p = try CLI.run(["predict", "--model", model, "--input", dir + "/x.npy", "--output", dir + "/logits.npy"])
        #expect(p.status == 0, "\(p.stderr)")
        let logits = try NPYArray.read(from: dir + "/logits.npy")
        #expect(logits.shape == [n, 10] && logits.dtype == .float32)
        let g = try CLI.run(["gradient", "--model", model, "--input", dir + "/x.npy", "--labels", dir + "/y.npy",
                             "--output", dir + "/g.npy", "--losses", dir + "/l.npy"])
        #expect(g.status == 0, "\(g.stderr)")
        let grad = try NPYArray.read(from: dir + "/g.npy")
        #expect(grad.shape == [n, 1, 28, 28])
        let losses = try NPYArray.read(from: dir + "/l.npy").floats()
        // Per-example losses agree with predict's logits.
        let z = logits.floats()
        for i in 0..<n {
            let row = z[(i * 10)..<((i + 1) * 10)].map(Double.init)
            let m = row.max()!
            let label = [0, 1, 2, 3, 4, 9][i]
            let ce = m + log(row.map { exp($0 - m) }.reduce(0, +)) - row[label]
            #expect(abs(ce - Double(losses[i])) < 1e-4 * max(1, ce))
        }
        // Directional derivative: ℓ(x + εv) − ℓ(x − εv) ≈ 2ε ⟨g, v⟩ for example 0 along its gradient.
        let g0 = Array(grad.floats()[0..<784])
        let norm = g0.map { Double($0 * $0) }.reduce(0, +).squareRoot()
        #expect(norm > 0)
        let eps = Float(1e-2 / norm)
        let plus = (0..<784).map { x[$0] + eps * g0[$0] }, minus = (0..<784).map { x[$0] - eps * g0[$0] }
        try NPYArray(float32: plus + minus, shape: [2, 784]).write(to: dir + "/pm.npy")
        try NPYArray(int64: [0, 0], shape: [2]).write(to: dir + "/y0.npy")
        _ = try CLI.run(["gradient", "--model", model, "--input", dir + "/pm.npy", "--labels", dir + "/y0.npy",
                         "--output", dir + "/g2.npy", "--losses", dir + "/l2.npy"])
        let l2 = try NPYArray.read(from: dir + "/l2.npy").floats().map(Double.init)
        let predicted = 2 * Double(eps) * norm * norm
        #expect(abs((l2[0] - l2[1]) - predicted) < 0.02 * predicted)
    }

    @Test func trainAndEvaluateOnSyntheticData() throws {
        let dir = try TemporaryDirectory.make("netcli")
        let model = dir + "/s.safetensors"
        let r = try CLI.run(["train", "--dataset", "synthetic", "--arch", "mlp:784-32-10", "--epochs", "2", "--batch-size", "64",
                             "--lr", "0.001", "--optimizer", "adam", "--seed", "5", "--threads", "1", "--output", model])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(CLI.exists(model) && CLI.exists(dir + "/s.log.csv") && CLI.exists(dir + "/s.log.json"))
        let log = try String(contentsOfFile: dir + "/s.log.csv", encoding: .utf8).split(separator: "\n")
        #expect(log.first == "epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy")   // wall time: the run sidecar
        #expect(log.count == 3)
        #expect(log[2].hasPrefix("2,64,"))   // 2000 examples / 64 = 32 steps per epoch
        let e = try CLI.run(["evaluate", "--model", model, "--dataset", "synthetic", "--split", "all"])
        #expect(e.status == 0, "\(e.stderr)")
        let lines = e.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "split,examples,loss,accuracy")
        #expect(lines[1].hasPrefix("train,2000,") && lines[2].hasPrefix("test,500,"))
        let accuracy = Double(lines[2].split(separator: ",")[3])!
        #expect(accuracy > 0.95)   // well-separated clusters
        // The log's last test accuracy is the same evaluation.
        #expect(Double(log[2].split(separator: ",")[5])! == accuracy)
        // Same seed, other thread count: the identical model file.
        let again = dir + "/s2.safetensors"
        _ = try CLI.run(["train", "--dataset", "synthetic", "--arch", "mlp:784-32-10", "--epochs", "2", "--batch-size", "64",
                         "--seed", "5", "--threads", "2", "--quiet", "--output", again])
        #expect(FileManager.default.contents(atPath: model) == FileManager.default.contents(atPath: again))
    }

    /// Training on .npy files records those files in the log's sidecar, not the default --dataset.
    @Test func trainOnNPYRecordsTheFilesInTheSidecar() throws {
        let dir = try TemporaryDirectory.make("netcli")
        let n = 40
        let rng = try RandomGenerator(seed: 9)
        let labels = (0..<n).map { Int64($0 % 3) }
        let images = labels.flatMap { c in (0..<16).map { _ in Float(0.2 + 0.3 * Double(c) + 0.05 * rng.gaussian()) } }
        try NPYArray(float32: images, shape: [n, 1, 4, 4]).write(to: dir + "/x.npy")
        try NPYArray(int64: labels, shape: [n]).write(to: dir + "/y.npy")
        try NPYArray(float32: Array(images.prefix(12 * 16)), shape: [12, 1, 4, 4]).write(to: dir + "/xt.npy")
        try NPYArray(int64: Array(labels.prefix(12)), shape: [12]).write(to: dir + "/yt.npy")
        func dataNote(_ json: String) throws -> String {
            let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
            return (sidecar?["notes"] as? [String] ?? []).first { $0.hasPrefix("data: ") } ?? ""
        }
        let r = try CLI.run(["train", "--data-npy", dir + "/x.npy", dir + "/y.npy", "--arch", "mlp:16-8-3", "--epochs", "1",
                             "--batch-size", "8", "--seed", "1", "--quiet", "--output", dir + "/m.safetensors"])
        #expect(r.status == 0, "\(r.stderr)")
        // No --test-npy: scored on the same files.
        #expect(try dataNote(dir + "/m.log.json")
                == "data: npy:\(dir)/x.npy (40 training examples); test data: npy:\(dir)/x.npy (40 examples)")
        let t = try CLI.run(["train", "--data-npy", dir + "/x.npy", dir + "/y.npy", "--test-npy", dir + "/xt.npy", dir + "/yt.npy",
                             "--arch", "mlp:16-8-3", "--epochs", "1", "--batch-size", "8", "--seed", "1", "--quiet",
                             "--output", dir + "/t.safetensors"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(try dataNote(dir + "/t.log.json")
                == "data: npy:\(dir)/x.npy (40 training examples); test data: npy:\(dir)/xt.npy (12 examples)")
        // The built-in datasets keep their names.
        let s = try CLI.run(["train", "--dataset", "synthetic", "--arch", "mlp:784-4-10", "--epochs", "1", "--batch-size", "500",
                             "--seed", "1", "--quiet", "--output", dir + "/s.safetensors"])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try dataNote(dir + "/s.log.json") == "data: synthetic (2000 training examples); test data: synthetic (500 examples)")
    }

    /// Renamed flags in their old spelling: a one-line usage error naming the new flag.
    @Test func oldSpellingsNameTheNewFlag() throws {
        let dir = try TemporaryDirectory.make("netcli")
        for (args, flag) in [(["train", "--model", "mlp:784-10", "--output", dir + "/a.safetensors"], "--arch"),
                             (["train", "--arch", "mlp:784-10", "--batch", "8", "--output", dir + "/a.safetensors"], "--batch-size"),
                             (["params", "star", "--model", "mlp:784-10", "--output", dir + "/a.csv"], "--arch"),
                             (["params", "geodesic", "--batch", "8", "--output", dir + "/a.csv"], "--batch-size")] {
            let r = try CLI.run(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(flag) && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func badInputsGiveOneLineErrorsAndNoOutput() throws {
        let dir = try TemporaryDirectory.make("netcli")
        func expectFailure(_ args: [String], status: Int32, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = CLI.files(in: dir)
            let r = try CLI.run(args)
            #expect(r.status == status, "\(args): \(r.stderr)", sourceLocation: sourceLocation)
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
            for w in words { #expect(r.stderr.contains(w), "\(r.stderr)", sourceLocation: sourceLocation) }
            #expect(CLI.files(in: dir) == before, "left files behind", sourceLocation: sourceLocation)
        }
        // Unparseable spec.
        try expectFailure(["init", "--arch", "mlp:784-x-10", "--output", dir + "/a.safetensors"], status: 64, mentioning: ["cannot parse model spec"])
        try expectFailure(["train", "--dataset", "synthetic", "--arch", "cnn:1x28x28:c3k3-l10", "--output", dir + "/a.safetensors"], status: 64, mentioning: ["add 'f'"])

        let good = dir + "/good.safetensors"
        _ = try CLI.run(["init", "--arch", "mlp:784-16-10", "--output", good])
        let bytes = [UInt8](FileManager.default.contents(atPath: good)!)
        try NPYArray(float32: [Float](repeating: 0.5, count: 2 * 784), shape: [2, 784]).write(to: dir + "/x.npy")
        try NPYArray(float32: [Float](repeating: 0.5, count: 2 * 100), shape: [2, 100]).write(to: dir + "/x100.npy")
        try NPYArray(int64: [1, 12], shape: [2]).write(to: dir + "/ybad.npy")

        // Truncated model file.
        #expect(FileManager.default.createFile(atPath: dir + "/trunc.safetensors", contents: Data(bytes.dropLast(100))))
        try expectFailure(["predict", "--model", dir + "/trunc.safetensors", "--input", dir + "/x.npy", "--output", dir + "/o.npy"],
                          status: 65, mentioning: ["trunc.safetensors", "truncated"])
        // Header lying about shapes: claim 0.weight is [16, 785] with the same offsets.
        var header = String(decoding: bytes[8..<(8 + Int(bytes[0]) + Int(bytes[1]) << 8)], as: UTF8.self)
        header = header.replacingOccurrences(of: "[16,784]", with: "[16,785]")
        #expect(FileManager.default.createFile(atPath: dir + "/lie.safetensors", contents: Data(Array(bytes[0..<8]) + Array(header.utf8) + bytes[(8 + header.utf8.count)...])))
        try expectFailure(["predict", "--model", dir + "/lie.safetensors", "--input", dir + "/x.npy", "--output", dir + "/o.npy"],
                          status: 65, mentioning: ["'0.weight'", "data_offsets"])
        // Model not matching its spec.
        try expectFailure(["evaluate", "--model", good, "--spec", "mlp:784-20-10", "--dataset", "synthetic"],
                          status: 65, mentioning: ["'0.weight'", "[20, 784]"])
        // Input shape not fitting.
        try expectFailure(["predict", "--model", good, "--input", dir + "/x100.npy", "--output", dir + "/o.npy"],
                          status: 65, mentioning: ["does not fit model input"])
        // Labels outside the classes.
        try expectFailure(["gradient", "--model", good, "--input", dir + "/x.npy", "--labels", dir + "/ybad.npy", "--output", dir + "/o.npy"],
                          status: 65, mentioning: ["label 12"])
        // Missing dataset (a data directory without IDX files).
        try expectFailure(["train", "--arch", "mlp:784-16-10", "--data-dir", dir + "/nothing", "--epochs", "1", "--output", dir + "/a.safetensors"],
                          status: 74, mentioning: ["train-images-idx3-ubyte"])
        // NaN loss: stops with the step and the fix.
        try expectFailure(["train", "--dataset", "synthetic", "--arch", "mlp:784-16-10", "--optimizer", "sgd", "--lr", "1e30",
                           "--epochs", "2", "--quiet", "--output", dir + "/nan.safetensors"],
                          status: 70, mentioning: ["at step", "lower the learning rate"])
        // Missing model file.
        try expectFailure(["predict", "--model", dir + "/none.safetensors", "--input", dir + "/x.npy", "--output", dir + "/o.npy"],
                          status: 74, mentioning: ["no such file"])
    }

    /// The default dataset (Debian package dataset-fashion-mnist) is found without flags; the
    /// message for a missing package is checked in NetworkCoreTests (it needs a missing directory).
    @Test func evaluateUsesInstalledFashionMNIST() throws {
        let dir = try TemporaryDirectory.make("netcli")
        _ = try CLI.run(["init", "--arch", "mlp:784-10", "--seed", "1", "--output", dir + "/m.safetensors"])
        let r = try CLI.run(["evaluate", "--model", dir + "/m.safetensors"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("split,examples,loss,accuracy\ntest,10000,"))
    }
}
