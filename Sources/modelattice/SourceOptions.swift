import ArgumentParser
import Experiments
import NetworkCore
import Support

/// Where networks come from, for every command that takes networks: `--model FILE` (a saved
/// model) or `--arch SPEC` (untrained networks, `--init`, `--sigma-w`, `--sigma-b`, `--networks`).
/// Maps to ``NetworkSource``. Old spellings (`--random`) get an error naming the new flag.
struct NetworkSourceOptions: ParsableArguments {
    @Option(help: "A saved model (.safetensors; ours or a PyTorch export).") var model: String?
    @Option(help: "Untrained networks of this architecture, e.g. mlp:784-256-256-10.") var arch: String?
    @Option(help: "Architecture spec for a model file whose metadata has none.") var spec: String?
    @Option(help: "Initialization of --arch networks: default, he, glorot or gaussian.") var `init` = NetworkSource().initialization
    @Option(name: .customLong("sigma-w"), help: "σ_w of --init gaussian (W ~ N(0, σ_w²/fan_in)).") var sigmaW = NetworkSource().sigmaW
    @Option(name: .customLong("sigma-b"), help: "σ_b of --init gaussian.") var sigmaB = NetworkSource().sigmaB
    @Option(help: "Number of --arch networks.") var networks = NetworkSource().networks
    @Option(name: .customLong("random"), help: .hidden) var renamedRandom: String?

    func validate() throws {
        if renamedRandom != nil { throw ValidationError("--random was renamed: use --arch SPEC") }
        do { try source.validate() } catch let e as ModeLatticeError {
            throw ValidationError(e.field == nil ? "give exactly one of --model FILE or --arch SPEC" : e.naming("--" + e.field!).message)
        }
    }

    var source: NetworkSource {
        NetworkSource(model: model, arch: arch, spec: spec, initialization: `init`, sigmaW: sigmaW, sigmaB: sigmaB,
                      networks: networks)
    }
}

/// Where labelled data come from, for every command that reads data. Maps to ``DataSource``.
struct DataOptions: ParsableArguments {
    @Option(help: "Dataset: fashion-mnist (Debian package dataset-fashion-mnist, or --data-dir), fashion-mnist-3x32x32 (the same padded to 32x32 and replicated to 3 channels: a CIFAR-shaped stand-in), or synthetic (a 10-class Gaussian mixture shaped 1x28x28: 2000 train, 500 test).")
    var dataset: DataSource.Name = .fashionMNIST
    @Option(help: "Directory of MNIST-format IDX files {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (default: /usr/share/datasets/fashion-mnist).")
    var dataDir: String?
    @Option(name: .customLong("data-npy"), parsing: .upToNextOption,
            help: "Your own data instead of --dataset: IMAGES.npy LABELS.npy (images [N,C,H,W] float32 in [0,1] or uint8; labels [N] int64).")
    var dataNPY: [String] = []
    @Option(name: .customLong("test-npy"), parsing: .upToNextOption,
            help: "Held-out data for --data-npy: IMAGES.npy LABELS.npy (default: the --data-npy set itself).")
    var testNPY: [String] = []

    func validate() throws {
        guard dataNPY.isEmpty || dataNPY.count == 2, testNPY.isEmpty || testNPY.count == 2 else {
            throw ValidationError("--data-npy and --test-npy each take two files: IMAGES.npy LABELS.npy")
        }
        guard testNPY.isEmpty || !dataNPY.isEmpty else { throw ValidationError("--test-npy needs --data-npy") }
    }

    var source: DataSource {
        DataSource(dataset: dataset, dataDir: dataDir, npy: dataNPY.isEmpty ? nil : dataNPY,
                   testNPY: testNPY.isEmpty ? nil : testNPY)
    }
}

extension DataSource.Name: ExpressibleByArgument {}
