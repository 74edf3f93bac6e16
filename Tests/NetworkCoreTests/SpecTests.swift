import Testing
@testable import NetworkCore
import Support

@Suite struct SpecTests {
    @Test func mlpNamesMatchPyTorchSequential() throws {
        let m = try ArchitectureSpec.build("mlp:784-256-256-10")
        #expect(m.stateEntries.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        #expect(m.stateEntries.map(\.shape) == [[256, 784], [256], [256, 256], [256], [10, 256], [10]])
        #expect(m.parameterCount == 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10)
        #expect(m.layers.map(\.description) == [
            "Linear(in_features=784, out_features=256, bias=True)", "ReLU()",
            "Linear(in_features=256, out_features=256, bias=True)", "ReLU()",
            "Linear(in_features=256, out_features=10, bias=True)"])
        #expect(try ArchitectureSpec.build("mlp:5-4-3:tanh").layers[1].description == "Tanh()")
    }

    @Test func cnnGrammarBuildsLeNetAndVGG() throws {
        let lenet = try ArchitectureSpec.build("cnn:1x28x28:c6k5p2-t-a2-c16k5-t-a2-f-l120-t-l84-t-l10")
        // Conv 6·(1·25)+6, conv 16·(6·25)+16, 400→120, 120→84, 84→10.
        #expect(lenet.parameterCount == 156 + 2416 + 48120 + 10164 + 850)
        #expect(lenet.layers[6].inputShape == [16, 5, 5])
        #expect(lenet.stateEntries.map(\.name).first == "0.weight")
        #expect(lenet.stateEntries.map(\.name)[2] == "3.weight")
        let vgg = try ArchitectureSpec.build("cnn:1x28x28:c32k3p1-r-c32k3p1-r-m2-c64k3p1-r-c64k3p1-r-m2-f-l256-r-l10")
        #expect(vgg.layers[10].outputShape == [64 * 7 * 7])
        #expect(vgg.outputShape == [10])
        let strided = try ArchitectureSpec.build("cnn:3x32x32:c8k3s2p1n-b-g-m3s2p1-f-l10")
        #expect(strided.layers[0].outputShape == [8, 16, 16])
        #expect(strided.layers[3].outputShape == [8, 8, 8])
        #expect(strided.stateEntries.map(\.name) == ["0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "5.weight", "5.bias"])
    }

    @Test(arguments: ["", "mlp", "mlp:784", "mlp:784-0-10", "mlp:784-x-10", "mlp:784-10:sigmoid", "resnet:1",
                      "cnn:1x28:c3k3", "cnn:1x28x28:c3", "cnn:1x28x28:c3k3-l10", "cnn:1x28x28:f-c3k3",
                      "cnn:1x4x4:c3k7", "cnn:1x28x28:q", "cnn:1x28x28:c3k3-m2p2", "cnn:1x28x28:c3k3k3"])
    func badSpecsAreUsageErrors(spec: String) {
        #expect(throws: ModeLatticeError.self) { try ArchitectureSpec.build(spec) }
        do { _ = try ArchitectureSpec.build(spec) } catch let e as ModeLatticeError {
            #expect(e.kind == .usage)
            #expect(e.message.contains("cannot parse model spec"))
        } catch {}
    }

    @Test func inputShapesAccepted() throws {
        let cnn = try ArchitectureSpec.build("cnn:1x28x28:c4k3-f-l10")
        #expect(try cnn.batchCount(forArrayShape: [5, 1, 28, 28]) == 5)
        #expect(try cnn.batchCount(forArrayShape: [5, 28, 28]) == 5)
        #expect(try cnn.batchCount(forArrayShape: [5, 784]) == 5)
        #expect(throws: ModeLatticeError.self) { try cnn.batchCount(forArrayShape: [5, 28, 28, 1]) }
        #expect(throws: ModeLatticeError.self) { try cnn.batchCount(forArrayShape: [5, 783]) }
        let mlp = try ArchitectureSpec.build("mlp:784-10")
        #expect(try mlp.batchCount(forArrayShape: [3, 1, 28, 28]) == 3)
        #expect(throws: ModeLatticeError.self) { try mlp.batchCount(forArrayShape: [784]) }
    }
}

@Suite struct InitializationTests {
    /// Sample variance of the 784·256 first-layer weights against the scheme's variance.
    @Test func weightDistributionsMatchTheirDefinitions() throws {
        let fanIn = 784.0, fanOut = 256.0, count = 784 * 256
        func stats(_ scheme: Initialization) throws -> (mean: Double, variance: Double, maxAbs: Double, bias: [Float]) {
            let m = try Sequential.random(spec: "mlp:784-256-10", initialization: scheme, seed: 9)
            let w = m.parameters[0..<count].map(Double.init)
            let mean = w.reduce(0, +) / Double(count)
            let variance = w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
            return (mean, variance, w.map(abs).max()!, Array(m.parameters[count..<(count + 256)]))
        }
        // Relative standard error of a variance estimate from n draws is about √(2/n) ≈ 0.0044 (Gaussian);
        // 5% tolerance is > 10 standard errors.
        let d = try stats(.pytorchDefault)
        let bound = 1 / fanIn.squareRoot()
        #expect(d.maxAbs <= bound)
        #expect(abs(d.variance / (bound * bound / 3) - 1) < 0.05)
        #expect(d.bias.allSatisfy { abs(Double($0)) <= bound } && Set(d.bias).count > 200)
        let he = try stats(.heNormal)
        #expect(abs(he.variance / (2 / fanIn) - 1) < 0.05)
        #expect(he.bias.allSatisfy { $0 == 0 })
        let glorot = try stats(.glorotUniform)
        let gb = (6 / (fanIn + fanOut)).squareRoot()
        #expect(glorot.maxAbs <= gb && abs(glorot.variance / (gb * gb / 3) - 1) < 0.05)
        let gauss = try stats(.gaussian(sigmaW: 1.5, sigmaB: 0.3))
        #expect(abs(gauss.variance / (2.25 / fanIn) - 1) < 0.05)
        let bv = gauss.bias.map(Double.init).reduce(0) { $0 + $1 * $1 } / 256
        #expect(abs(bv / 0.09 - 1) < 0.3)   // 256 draws: relative s.e. ≈ 0.09
        #expect(abs(gauss.mean) < 5 * (2.25 / fanIn / Double(count)).squareRoot())
    }

    @Test func convFanInUsesTheKernelArea() throws {
        let m = try Sequential.random(spec: "cnn:3x8x8:c16k5", seed: 2)
        let bound = Float(1 / (3.0 * 25).squareRoot())
        #expect(m.parameters.allSatisfy { abs($0) <= bound })
        #expect(m.parameters.map(abs).max()! > 0.95 * bound)
    }

    @Test func seedsAreReproducibleAndEnsembleMembersIndependentOfSize() throws {
        let a = try Sequential.random(spec: "mlp:20-10-3", seed: 5)
        let b = try Sequential.random(spec: "mlp:20-10-3", seed: 5)
        let c = try Sequential.random(spec: "mlp:20-10-3", seed: 6)
        #expect(a.parameters == b.parameters)
        #expect(a.parameters != c.parameters)
        let three = try Sequential.ensemble(spec: "mlp:20-10-3", count: 3, seed: 7)
        let five = try Sequential.ensemble(spec: "mlp:20-10-3", count: 5, seed: 7)
        #expect(three.map(\.parameters) == five.prefix(3).map(\.parameters))
        #expect(Set(five.map(\.parameters)).count == 5)
        // Layers draw from separate streams: the second layer does not depend on the first's size.
        let wide = try Sequential.random(spec: "mlp:20-10-3", seed: 5)
        let other = try Sequential.random(spec: "mlp:21-10-3", seed: 5)
        #expect(wide.parameters.suffix(33) == other.parameters.suffix(33))
    }
}

@Suite struct TensorTests {
    @Test func tensorShapesAreChecked() throws {
        #expect(throws: ModeLatticeError.self) { try Tensor(shape: [2, 3], storage: [1, 2, 3]) }
        let t = try Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        #expect(try t.reshaped([3, 2]).shape == [3, 2])
        let m = try Sequential.random(spec: "mlp:3-4-2", seed: 1)
        let y = try m.outputs(t)
        #expect(y.shape == [2, 2])
        #expect(y.storage == m.outputs(t.storage, count: 2))
        #expect(throws: ModeLatticeError.self) { try m.outputs(try t.reshaped([3, 2])) }
    }
}

@Suite struct ModuleNameTests {
    @Test func givenModuleNamesPrefixTheStateDict() throws {
        let m = try Sequential(spec: "custom", inputShape: [1, 4, 4],
                               layers: [Conv2d(inChannels: 1, outChannels: 2, kernel: 3, padding: 1, height: 4, width: 4, bias: false),
                                        BatchNorm2d(channels: 2, height: 4, width: 4), Flatten(inputShape: [2, 4, 4]), Linear(32, 3)],
                               moduleNames: ["conv1", "bn1", "flatten", "fc"])
        #expect(m.stateEntries.map(\.name) == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                                               "bn1.num_batches_tracked", "fc.weight", "fc.bias"])
        #expect(throws: ModeLatticeError.self) { try Sequential(spec: "x", inputShape: [3], layers: [Linear(3, 2)], moduleNames: []) }
    }
}
