import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// Where the networks of a lattice command come from: a saved model (`--model`, one network) or
/// fresh untrained ones (`--arch SPEC`, network k initialized from
/// `SeedSequence.derive(seed, "network", k)`, as NetworkCore's ensembles), and the data that
/// supplies real anchors and the reference norm of the automatic spacing.
struct LatticeModelOptions: ParsableArguments {
    @Option(help: "A saved model (.safetensors).") var model: String?
    @Option(name: .customLong("arch"), help: "Untrained networks of this architecture, e.g. mlp:784-256-256-10.") var random: String?
    @Option(name: .customLong("random"), help: .hidden) var renamedRandom: String?
    @Option(help: "Initialization of --arch networks: default, he, glorot or gaussian.") var `init` = "default"
    @Option(name: .customLong("sigma-w"), help: "σ_w of --init gaussian.") var sigmaW: Double = 1
    @Option(name: .customLong("sigma-b"), help: "σ_b of --init gaussian.") var sigmaB: Double = 0
    @Option(help: "Number of --arch networks.") var networks: Int = 1
    @Option(name: .customLong("data-dir"), help: "Fashion-MNIST directory (default: the Debian package's).") var dataDir: String?

    func validate() throws {
        if renamedRandom != nil { throw ValidationError("--random was renamed: use --arch SPEC") }
        guard (model == nil) != (random == nil) else {
            throw ValidationError("give exactly one of --model FILE or --arch SPEC.")
        }
        guard networks >= 1 else { throw ValidationError("--networks must be at least 1 (got \(networks)).") }
        if model != nil && networks != 1 { throw ValidationError("--networks applies to --arch only.") }
    }

    var networkCount: Int { model == nil ? networks : 1 }

    var initialization: Initialization {
        get throws { try Initialization.named(`init`, sigmaW: sigmaW, sigmaB: sigmaB) }
    }

    /// Builds (or loads) network k.
    func network(_ k: Int, seed: UInt64, generator: String) throws -> NetworkClassifier {
        if let model { return NetworkClassifier(try ModelFile.load(model)) }
        let net = try Sequential.random(spec: random!, initialization: try initialization,
                                        seed: SeedSequence.derive(seed, stream: "network", index: k), generator: generator)
        return NetworkClassifier(net)
    }

    var description: String { model.map { "model \($0)" } ?? "random \(random!) init \(`init`)" }

    /// The test split (real anchors and pairs), checked against the model's input size.
    func testData(inputSize: Int) throws -> Dataset {
        let data = try MNISTFormat.load(.test, directory: dataDir)
        guard data.exampleSize == inputSize else {
            throw ModeLatticeError.data("the model takes inputs of \(inputSize) values but \(data.name) has \(data.exampleSize)-value images")
        }
        return data
    }
}

/// Anchors of lattices: a real test image, a synthetic input of the target class (feature
/// visualization from 0.01·N(0,1), see ``FeatureVisualization``), or the origin (a cone apex for
/// bias-free ReLU networks, offered to show the trivial connection there).
enum AnchorKind: String, ExpressibleByArgument, CaseIterable {
    case real, synthetic, origin

    /// The anchor of unit `index` of network `net`.
    func anchor(net: NetworkClassifier, data: Dataset?, seed: UInt64, stream: String, index: Int,
                targetClass: Int?, network k: Int) throws -> [Float] {
        switch self {
        case .real: return LatticeData.image(data!, seed: seed, stream: stream, index: index).image
        case .origin: return [Float](repeating: 0, count: net.inputSize)
        case .synthetic:
            let rng = try RandomGenerator(seed: SeedSequence.derive(seed, stream: stream + "-synthetic", index: index))
            return try FeatureVisualization().synthesize(classifier: net, target: targetClass ?? k % net.classCount, rng: rng).input
        }
    }
}

enum LatticeData {
    /// Median Euclidean norm of the first `count` examples: the length scale of the data.
    static func medianNorm(_ data: Dataset, count: Int = 1000) -> Double {
        let n = data.exampleSize, m = min(count, data.count)
        var norms = (0..<m).map { i -> Double in
            var s = 0.0
            for j in 0..<n { let v = Double(data.images[i * n + j]); s += v * v }
            return s.squareRoot()
        }
        norms.sort()
        return m % 2 == 1 ? norms[m / 2] : (norms[m / 2 - 1] + norms[m / 2]) / 2
    }

    /// Test image chosen for unit `index` of `stream`.
    static func image(_ data: Dataset, seed: UInt64, stream: String, index: Int) -> (index: Int, image: [Float]) {
        let i = Int(SeedSequence.derive(seed, stream: stream, index: index) % UInt64(data.count))
        let n = data.exampleSize
        return (i, Array(data.images[(i * n)..<((i + 1) * n)]))
    }
}

/// Parses `1-7`, `1,2,4` or `3`.
func parseIntegerList(_ text: String, name: String) throws -> [Int] {
    var out: [Int] = []
    for part in text.split(separator: ",") {
        let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
        if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]), a <= b {
            out += Array(a...b)
        } else if bounds.count == 1, let a = Int(bounds[0]) {
            out.append(a)
        } else {
            throw ModeLatticeError.usage("cannot read \(name) '\(text)'; write a range like 1-7 or a list like 1,2,4")
        }
    }
    guard !out.isEmpty else { throw ModeLatticeError.usage("\(name) is empty") }
    return out
}

func parseDoubleList(_ text: String, name: String) throws -> [Double] {
    let values = text.split(separator: ",").map { Double($0) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
        throw ModeLatticeError.usage("cannot read \(name) '\(text)'; write numbers separated by commas, e.g. 0.05,0.1")
    }
    return values.map { $0! }
}
