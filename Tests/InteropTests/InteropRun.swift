import Connectivity
import Foundation
import NetworkCore
import Support

/// One interop run: ModeLattice writes models (safetensors) and inputs (.npy) and computes its own
/// results; scripts/interop/torch_side.py computes the same from those files with PyTorch; the
/// results of both sides are kept here for the tests to compare.
struct InteropRun: Sendable {
    /// One architecture's forward pass on fixed inputs.
    struct Forward: Sendable {
        var spec: String
        var classes: Int
        var inputSize: Int
        var ours: (logits: [Float], losses: [Float], gradients: [Float])
        var torch: (logits: [Float], losses: [Float], gradients: [Float])
    }
    /// CE along a straight segment.
    struct Segment: Sendable {
        var spec: String
        var ours: [Double]
        var torch: [Float]
    }
    /// B′ after a few steps of the vrabel2024 bypass from the same B.
    struct Bypass: Sendable {
        var spec: String
        var start: [Float]
        var ours: [Float]
        var torch: [Float]
    }
    /// A model PyTorch built and saved with safetensors.torch.save_file, loaded here.
    struct Export: Sendable {
        var spec: String
        var ours: [Float]
        var torch: [Float]
    }

    var forwards: [String: Forward] = [:]
    var segments: [Segment] = []
    var bypasses: [Bypass] = []
    var exports: [Export] = []
    var bypassSteps = 16
    var segmentPoints = 250
    /// Wall time of the PyTorch script (s), for the log only.
    var torchSeconds = 0.0

    static let mlp = "mlp:784-256-256-10"
    static let cnn = "cnn:3x32x32:c32k3p1-r-m2-c64k3p1-r-m2-f-l256-r-l10"
    static let resnet = "resnet18-cifar"

    static func make() throws -> InteropRun {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("modelattice-interop-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func write(_ name: String, _ values: [Float], _ shape: [Int]) throws {
            try NPYArray(float32: values, shape: shape).write(to: path(name))
        }
        func read(_ name: String) throws -> [Float] { try NPYArray.read(from: path(name)).floats() }

        var run = InteropRun()
        var tasks: [[String: Any]] = []
        var models: [String: Sequential] = [:]
        let rng = try RandomGenerator(seed: 20241)
        func image(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.uniform()) } }

        // Logits, losses and input gradients of three architectures (BatchNorm statistics random).
        for (index, (name, spec, count)) in [("mlp", mlp, 4), ("cnn", cnn, 4), ("resnet", resnet, 2)].enumerated() {
            var model = try Sequential.random(spec: spec, seed: SeedSequence.derive(7, stream: "interop", index: index))
            randomizeBatchNorm(&model, rng: rng)
            models[name] = model
            try ModelFile.save(model, to: path("\(name).safetensors"))
            let n = model.inputSize, k = model.outputSize
            let x = image(count * n)
            let targets = (0..<count).map { _ in rng.uniformInt(k) }
            try write("\(name)_x.npy", x, [count, n])
            try NPYArray(int64: targets.map(Int64.init), shape: [count]).write(to: path("\(name)_y.npy"))
            let classifier = NetworkClassifier(model)
            let logits = try classifier.logits(x, count: count)
            let (losses, gradients) = try classifier.crossEntropyWithInputGradient(x, targets: targets)
            run.forwards[name] = Forward(spec: spec, classes: k, inputSize: n, ours: (logits, losses, gradients),
                                         torch: ([], [], []))
            tasks.append(["kind": "forward", "model": "\(name).safetensors", "spec": spec,
                          "inputs": "\(name)_x.npy", "targets": "\(name)_y.npy", "out": "\(name)_forward"])
        }

        // CE along a 250-point segment and 16 bypass steps (vrabel2024) of the MLP and the CNN.
        var bypassStarts: [(String, [Float])] = []
        for name in ["mlp", "cnn"] {
            let model = models[name]!
            let classifier = NetworkClassifier(model)
            let a = image(model.inputSize), c = image(model.inputSize)
            let target = rng.uniformInt(model.outputSize)
            try write("\(name)_a.npy", a, [a.count])
            try write("\(name)_c.npy", c, [c.count])
            let (profile, barrier) = try classifier.linearBarrier(from: a, to: c, target: target, points: run.segmentPoints)
            run.segments.append(Segment(spec: model.spec, ours: profile.losses, torch: []))
            tasks.append(["kind": "segment", "model": "\(name).safetensors", "spec": model.spec, "a": "\(name)_a.npy",
                          "c": "\(name)_c.npy", "target": target, "points": run.segmentPoints, "out": "\(name)_segment"])

            // From the midpoint B (an untrained network's straight path rarely peaks inside).
            let b = zip(a, c).map { $0 + 0.5 * ($1 - $0) }
            try write("\(name)_b.npy", b, [b.count])
            var settings = ConnectivityProtocol.vrabel2024.bypass
            settings.iterations = run.bypassSteps
            settings.pointsPerSegment = run.segmentPoints      // only the reported bent profile
            let p = try BarrierBypass.optimizePoint(classifier: classifier, a: a, b: b, c: c, target: target,
                                                    segmentBarrier: barrier, settings: settings)
            run.bypasses.append(Bypass(spec: model.spec, start: b, ours: p.point, torch: []))
            bypassStarts.append((name, b))
            let image = ImageGeometry(inputShape: model.inputShape)!
            tasks.append(["kind": "bypass", "model": "\(name).safetensors", "spec": model.spec,
                          "a": "\(name)_a.npy", "b": "\(name)_b.npy", "c": "\(name)_c.npy", "target": target,
                          "image": [image.channels, image.height, image.width], "steps": run.bypassSteps,
                          "learning_rate": settings.learningRate, "deviation_weight": settings.deviationWeight,
                          "tv_weight": settings.tvWeight, "out": "\(name)_bypass"])
        }

        // Models PyTorch initializes and saves; inputs are the forward inputs above.
        for (name, withSpec) in [("mlp", false), ("resnet", true)] {
            tasks.append(["kind": "export", "spec": run.forwards[name]!.spec, "seed": 11, "with_spec": withSpec,
                          "file": "torch_\(name).safetensors", "inputs": "\(name)_x.npy", "out": "torch_\(name)"])
        }

        let manifest = try JSONSerialization.data(withJSONObject: ["tasks": tasks], options: [.sortedKeys])
        try manifest.write(to: dir.appendingPathComponent("manifest.json"))
        let started = Date()
        let result = TorchSide.run(TorchSide.python, [TorchSide.script, dir.path])
        run.torchSeconds = Date().timeIntervalSince(started)
        guard result.status == 0 else {
            throw InteropFailure(message: "torch_side.py exited \(result.status): \(result.stderr.suffix(1500))")
        }

        for name in ["mlp", "cnn", "resnet"] {
            run.forwards[name]!.torch = (try read("\(name)_forward_logits.npy"), try read("\(name)_forward_losses.npy"),
                                         try read("\(name)_forward_gradients.npy"))
        }
        for (i, name) in ["mlp", "cnn"].enumerated() {
            run.segments[i].torch = try read("\(name)_segment_losses.npy")
            run.bypasses[i].torch = try read("\(name)_bypass_point.npy")
        }
        for (name, withSpec) in [("mlp", false), ("resnet", true)] {
            let spec = run.forwards[name]!.spec
            // Without metadata the spec comes from the caller, as for any plain PyTorch export.
            let model = try ModelFile.load(path("torch_\(name).safetensors"), spec: withSpec ? nil : spec)
            let x = try read("\(name)_x.npy")
            let count = x.count / model.inputSize
            run.exports.append(Export(spec: spec, ours: try NetworkClassifier(model).logits(x, count: count),
                                      torch: try read("torch_\(name)_logits.npy")))
        }
        return run
    }

    /// BatchNorm running statistics and affine parameters away from their identity initialization,
    /// so that inference-mode BatchNorm is tested: mean 0.1·N(0,1), variance U(0.5, 1.5),
    /// γ = 1 + 0.1·N(0,1), β = 0.1·N(0,1).
    static func randomizeBatchNorm(_ model: inout Sequential, rng: RandomGenerator) {
        let entries = model.stateEntries
        let modules = Set(entries.filter { $0.name.hasSuffix(".running_var") }.map { $0.name.dropLast(".running_var".count) })
        for e in entries {
            let dot = e.name.lastIndex(of: ".")!
            guard modules.contains(e.name[..<dot]) else { continue }
            switch e.name[e.name.index(after: dot)...] {
            case "running_mean": for i in e.range { model.buffers[i] = Float(0.1 * rng.gaussian()) }
            case "running_var": for i in e.range { model.buffers[i] = Float(0.5 + rng.uniform()) }
            case "weight": for i in e.range { model.parameters[i] = Float(1 + 0.1 * rng.gaussian()) }
            case "bias": for i in e.range { model.parameters[i] = Float(0.1 * rng.gaussian()) }
            default: break
            }
        }
    }
}
