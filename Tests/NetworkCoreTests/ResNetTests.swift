import Foundation
import Testing
import TestSupport
@testable import NetworkCore
import Support

/// Residual networks: BasicBlock gradients in both batch-norm modes, a tiny residual network's
/// logits by hand, torchvision's state_dict names and shapes, safetensors round trips.
@Suite struct ResNetTests {
    /// torchvision.models.resnet18().state_dict(): every name and shape, written down from
    /// torchvision/models/resnet.py ("-" is a 0-d tensor).
    static let torchvisionResNet18 = """
        conv1.weight 64x3x7x7
        bn1.weight 64
        bn1.bias 64
        bn1.running_mean 64
        bn1.running_var 64
        bn1.num_batches_tracked -
        layer1.0.conv1.weight 64x64x3x3
        layer1.0.bn1.weight 64
        layer1.0.bn1.bias 64
        layer1.0.bn1.running_mean 64
        layer1.0.bn1.running_var 64
        layer1.0.bn1.num_batches_tracked -
        layer1.0.conv2.weight 64x64x3x3
        layer1.0.bn2.weight 64
        layer1.0.bn2.bias 64
        layer1.0.bn2.running_mean 64
        layer1.0.bn2.running_var 64
        layer1.0.bn2.num_batches_tracked -
        layer1.1.conv1.weight 64x64x3x3
        layer1.1.bn1.weight 64
        layer1.1.bn1.bias 64
        layer1.1.bn1.running_mean 64
        layer1.1.bn1.running_var 64
        layer1.1.bn1.num_batches_tracked -
        layer1.1.conv2.weight 64x64x3x3
        layer1.1.bn2.weight 64
        layer1.1.bn2.bias 64
        layer1.1.bn2.running_mean 64
        layer1.1.bn2.running_var 64
        layer1.1.bn2.num_batches_tracked -
        layer2.0.conv1.weight 128x64x3x3
        layer2.0.bn1.weight 128
        layer2.0.bn1.bias 128
        layer2.0.bn1.running_mean 128
        layer2.0.bn1.running_var 128
        layer2.0.bn1.num_batches_tracked -
        layer2.0.conv2.weight 128x128x3x3
        layer2.0.bn2.weight 128
        layer2.0.bn2.bias 128
        layer2.0.bn2.running_mean 128
        layer2.0.bn2.running_var 128
        layer2.0.bn2.num_batches_tracked -
        layer2.0.downsample.0.weight 128x64x1x1
        layer2.0.downsample.1.weight 128
        layer2.0.downsample.1.bias 128
        layer2.0.downsample.1.running_mean 128
        layer2.0.downsample.1.running_var 128
        layer2.0.downsample.1.num_batches_tracked -
        layer2.1.conv1.weight 128x128x3x3
        layer2.1.bn1.weight 128
        layer2.1.bn1.bias 128
        layer2.1.bn1.running_mean 128
        layer2.1.bn1.running_var 128
        layer2.1.bn1.num_batches_tracked -
        layer2.1.conv2.weight 128x128x3x3
        layer2.1.bn2.weight 128
        layer2.1.bn2.bias 128
        layer2.1.bn2.running_mean 128
        layer2.1.bn2.running_var 128
        layer2.1.bn2.num_batches_tracked -
        layer3.0.conv1.weight 256x128x3x3
        layer3.0.bn1.weight 256
        layer3.0.bn1.bias 256
        layer3.0.bn1.running_mean 256
        layer3.0.bn1.running_var 256
        layer3.0.bn1.num_batches_tracked -
        layer3.0.conv2.weight 256x256x3x3
        layer3.0.bn2.weight 256
        layer3.0.bn2.bias 256
        layer3.0.bn2.running_mean 256
        layer3.0.bn2.running_var 256
        layer3.0.bn2.num_batches_tracked -
        layer3.0.downsample.0.weight 256x128x1x1
        layer3.0.downsample.1.weight 256
        layer3.0.downsample.1.bias 256
        layer3.0.downsample.1.running_mean 256
        layer3.0.downsample.1.running_var 256
        layer3.0.downsample.1.num_batches_tracked -
        layer3.1.conv1.weight 256x256x3x3
        layer3.1.bn1.weight 256
        layer3.1.bn1.bias 256
        layer3.1.bn1.running_mean 256
        layer3.1.bn1.running_var 256
        layer3.1.bn1.num_batches_tracked -
        layer3.1.conv2.weight 256x256x3x3
        layer3.1.bn2.weight 256
        layer3.1.bn2.bias 256
        layer3.1.bn2.running_mean 256
        layer3.1.bn2.running_var 256
        layer3.1.bn2.num_batches_tracked -
        layer4.0.conv1.weight 512x256x3x3
        layer4.0.bn1.weight 512
        layer4.0.bn1.bias 512
        layer4.0.bn1.running_mean 512
        layer4.0.bn1.running_var 512
        layer4.0.bn1.num_batches_tracked -
        layer4.0.conv2.weight 512x512x3x3
        layer4.0.bn2.weight 512
        layer4.0.bn2.bias 512
        layer4.0.bn2.running_mean 512
        layer4.0.bn2.running_var 512
        layer4.0.bn2.num_batches_tracked -
        layer4.0.downsample.0.weight 512x256x1x1
        layer4.0.downsample.1.weight 512
        layer4.0.downsample.1.bias 512
        layer4.0.downsample.1.running_mean 512
        layer4.0.downsample.1.running_var 512
        layer4.0.downsample.1.num_batches_tracked -
        layer4.1.conv1.weight 512x512x3x3
        layer4.1.bn1.weight 512
        layer4.1.bn1.bias 512
        layer4.1.bn1.running_mean 512
        layer4.1.bn1.running_var 512
        layer4.1.bn1.num_batches_tracked -
        layer4.1.conv2.weight 512x512x3x3
        layer4.1.bn2.weight 512
        layer4.1.bn2.bias 512
        layer4.1.bn2.running_mean 512
        layer4.1.bn2.running_var 512
        layer4.1.bn2.num_batches_tracked -
        fc.weight 1000x512
        fc.bias 1000
        """

    @Test func resnet18HasTorchvisionStateDict() throws {
        let model = try ArchitectureSpec.build("resnet18")
        let expected = Self.torchvisionResNet18.split(separator: "\n").map { line -> (String, [Int]) in
            let f = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
            return (String(f[0]), f[1] == "-" ? [] : f[1].split(separator: "x").map { Int($0)! })
        }
        #expect(expected.count == 122)
        let ours = model.stateEntries
        #expect(ours.count == 122)
        let byName = Dictionary(uniqueKeysWithValues: ours.map { ($0.name, $0.shape) })
        for (name, shape) in expected { #expect(byName[name] == shape, "\(name)") }
        // torchvision's published parameter count of resnet18 (1000 classes).
        #expect(model.parameterCount == 11_689_512)
        #expect(model.inputShape == [3, 224, 224] && model.outputShape == [1000])
        #expect(ours.filter(\.trainable).count == 62)
    }

    @Test func cifarVariantAndOptions() throws {
        let cifar = try ArchitectureSpec.build("resnet18-cifar")
        // 11,689,512 − fc(512·990 + 990) − stem(64·3·(49 − 9)) = 11,173,962.
        #expect(cifar.parameterCount == 11_173_962)
        #expect(cifar.inputShape == [3, 32, 32] && cifar.outputShape == [10])
        #expect(cifar.stateEntries.first { $0.name == "conv1.weight" }?.shape == [64, 3, 3, 3])
        #expect(!cifar.moduleNames.contains("maxpool"))
        let small = try ArchitectureSpec.build("resnet18:num_classes=7,input=1x40x40,width=4")
        #expect(small.outputShape == [7] && small.inputShape == [1, 40, 40])
        #expect(small.stateEntries.first { $0.name == "layer4.0.downsample.0.weight" }?.shape == [32, 16, 1, 1])
        #expect(small.stateEntries.first { $0.name == "fc.weight" }?.shape == [7, 32])
        for bad in ["resnet18:num_classes=0", "resnet18:depth=3", "resnet18-cifar:input=3x32", "resnet18:width"] {
            #expect(throws: ModeLatticeError.self, "\(bad)") { try ArchitectureSpec.build(bad) }
        }
    }

    struct BlockCase: CustomTestStringConvertible, Sendable {
        let name: String, c: Int, o: Int, stride: Int, size: Int, training: Bool
        var testDescription: String { name }
    }

    @Test(arguments: [
        BlockCase(name: "identity, inference", c: 2, o: 2, stride: 1, size: 4, training: false),
        BlockCase(name: "identity, training", c: 2, o: 2, stride: 1, size: 4, training: true),
        BlockCase(name: "projection s2, inference", c: 2, o: 3, stride: 2, size: 5, training: false),
        BlockCase(name: "projection s2, training", c: 2, o: 3, stride: 2, size: 5, training: true),
    ])
    func basicBlockGradientsMatchFiniteDifferences(_ c: BlockCase) throws {
        let block = BasicBlock(inChannels: c.c, outChannels: c.o, stride: c.stride, height: c.size, width: c.size)
        #expect(block.hasProjection == (c.stride != 1 || c.c != c.o))
        var model = try Sequential(spec: "block", inputShape: block.inputShape, layers: [block], moduleNames: ["layer"])
        try model.initialize(.pytorchDefault, seed: 5)
        // Perturb γ, β and the running statistics away from their initial 1, 0, 0, 1.
        let noise = gaussianValues(model.parameterCount + model.buffers.count, seed: 6, sigma: 0.3)
        for e in model.stateEntries where e.name.contains("bn") || e.name.contains("downsample.1") {
            for i in e.range {
                if e.trainable { model.parameters[i] += noise[i] }
                else if e.name.hasSuffix("running_mean") { model.buffers[i] = noise[model.parameterCount + i] }
                else if e.name.hasSuffix("running_var") { model.buffers[i] = 0.6 + abs(noise[model.parameterCount + i]) }
            }
        }
        let n = 3
        let x = gaussianValues(n * block.inputSize, seed: 7)
        let r = gaussianValues(n * block.outputSize, seed: 8)
        let theta = model.parameters.map(Double.init), buffers = model.buffers.map(Double.init)
        let b = GradientCheck.backward(model, x: x, batch: n, cotangent: r, training: c.training)
        func reference(_ xv: [Double], _ t: [Double]) -> [Double] {
            ResNetReference.block(block, xv, n: n, theta: t, buffers: buffers, training: c.training)
        }
        #expect(GradientCheck.relativeError(b.y, reference(x.map(Double.init), theta)) < 1e-5)
        #expect((b.model.buffers != model.buffers) == c.training)
        let fd = GradientCheck.referenceGradients(x: x.map(Double.init), theta: theta, cotangent: r.map(Double.init), reference)
        #expect(GradientCheck.relativeError(b.inputGradient, fd.input) < 1e-3)
        #expect(GradientCheck.relativeError(b.parameterGradient, fd.parameters) < 1e-3)
    }

    /// conv1 (3×3, only the centre weight 2) → bn1 (μ 1, σ² 4) → ReLU → conv2 (centre −1, top-left 1)
    /// → bn2 (β 0.5) → + x → ReLU → mean → fc, on one 1×2×2 image, worked out by hand.
    @Test func tinyResidualNetworkLogitsByHand() throws {
        let block = BasicBlock(inChannels: 1, outChannels: 1, height: 2, width: 2)
        var model = try Sequential(spec: "tiny", inputShape: [1, 2, 2],
                                   layers: [block, AdaptiveAvgPool2d(channels: 1, height: 2, width: 2), Flatten(inputShape: [1, 1, 1]), Linear(1, 2)],
                                   moduleNames: ["layer1.0", "avgpool", "flatten", "fc"])
        func set(_ name: String, _ values: [Float]) {
            let e = model.stateEntries.first { $0.name == name }!
            if e.trainable { model.parameters.replaceSubrange(e.range, with: values) } else { model.buffers.replaceSubrange(e.range, with: values) }
        }
        set("layer1.0.conv1.weight", [0, 0, 0, 0, 2, 0, 0, 0, 0])
        set("layer1.0.bn1.weight", [1]); set("layer1.0.bn1.bias", [0])
        set("layer1.0.bn1.running_mean", [1]); set("layer1.0.bn1.running_var", [4 - 1e-5])
        set("layer1.0.conv2.weight", [1, 0, 0, 0, -1, 0, 0, 0, 0])
        set("layer1.0.bn2.weight", [1]); set("layer1.0.bn2.bias", [0.5])
        set("layer1.0.bn2.running_mean", [0]); set("layer1.0.bn2.running_var", [1 - 1e-5])
        set("fc.weight", [2, -1]); set("fc.bias", [0.1, 0.2])
        // x = [1, −2; 3, 0.5] → conv1 [2, −4; 6, 1] → bn1 [0.5, −2.5; 2.5, 0] → ReLU [0.5, 0; 2.5, 0]
        // → conv2 [−0.5, 0; −2.5, 0 + 0.5] → bn2 [0, 0.5; −2, 1] → + x [1, −1.5; 1, 1.5] → ReLU [1, 0; 1, 1.5]
        // → mean 0.875 → fc [1.85, −0.675].
        let z = model.outputs([1, -2, 3, 0.5], count: 1)
        #expect(abs(z[0] - 1.85) < 2e-6 && abs(z[1] + 0.675) < 2e-6, "\(z)")
    }

    @Test func stateDictRoundTripsThroughSafeTensors() throws {
        let spec = "resnet18-cifar:width=2,input=3x8x8,num_classes=4"
        var model = try Sequential.random(spec: spec, seed: 3)
        model.buffers = gaussianValues(model.buffers.count, seed: 4).map { abs($0) }
        for e in model.stateEntries where e.name.hasSuffix("num_batches_tracked") { model.buffers[e.range.lowerBound] = 17 }
        let file = ModelFile.encode(model)
        #expect(file.metadata["spec"] == spec)
        #expect(Set(file.entries.map(\.name)) == Set(model.stateEntries.map(\.name)))
        #expect(file["layer2.0.downsample.1.num_batches_tracked"]?.dtype == .I64)
        let back = try ModelFile.decode(SafeTensors.decode(file.encoded()))
        #expect(back.parameters == model.parameters && back.buffers == model.buffers)
        #expect(back.outputs(gaussianValues(2 * 192, seed: 9), count: 2) == model.outputs(gaussianValues(2 * 192, seed: 9), count: 2))

        // Missing, extra and misshapen tensors are named.
        func rejects(_ f: SafeTensors, mentioning word: String) {
            do { _ = try ModelFile.decode(f); Issue.record("accepted a file lacking \(word)") } catch let e as ModeLatticeError {
                #expect(e.kind == .data && e.message.contains(word), "\(e.message)")
            } catch { Issue.record("\(error)") }
        }
        var missing = file
        missing.entries.removeAll { $0.name == "layer3.1.bn2.running_var" }
        rejects(missing, mentioning: "layer3.1.bn2.running_var")
        var extra = file
        extra.entries.append(.init(name: "layer5.0.conv1.weight", floats: [1], shape: [1]))
        rejects(extra, mentioning: "layer5.0.conv1.weight")
        var misshapen = file
        let i = misshapen.entries.firstIndex { $0.name == "fc.weight" }!
        misshapen.entries[i] = .init(name: "fc.weight", floats: [Float](repeating: 0, count: 4 * 16), shape: [16, 4])
        rejects(misshapen, mentioning: "fc.weight")
    }

    /// The one full-size forward in the tests: resnet18-cifar at torchvision's initialization;
    /// batched inference equals one-by-one inference and the logits stay moderate (BN at init is the
    /// identity, so each block adds a bounded residual).
    @Test func resnet18CifarForward() throws {
        let model = try Sequential.random(spec: "resnet18-cifar", seed: 1)
        let x = gaussianValues(2 * 3 * 32 * 32, seed: 2)
        let both = model.outputs(x, count: 2)
        let second = model.outputs(Array(x[3072...]), count: 1)
        #expect(both.count == 20 && both.allSatisfy(\.isFinite))
        #expect(GradientCheck.relativeError(Array(both[10...]).map(Double.init), second.map(Double.init)) < 1e-6)
        #expect(both.map(abs).max()! < 100 && both.map(abs).max()! > 1e-3)
    }
}
