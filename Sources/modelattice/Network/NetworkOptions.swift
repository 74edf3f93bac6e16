import ArgumentParser
import NetworkCore
import Support

/// Which labelled data a network command uses.
enum DatasetName: String, ExpressibleByArgument, CaseIterable {
    case fashionMNIST = "fashion-mnist"
    /// Fashion-MNIST padded to 32×32 and replicated to 3 channels: the CIFAR-shaped stand-in.
    case fashionMNIST32 = "fashion-mnist-3x32x32"
    case synthetic
}

/// `--dataset` and `--data-dir`, shared by train and evaluate.
struct DatasetOptions: ParsableArguments {
    @Option(help: "Dataset: fashion-mnist (Debian package dataset-fashion-mnist, or --data-dir), fashion-mnist-3x32x32 (the same padded to 32x32 and replicated to 3 channels: a CIFAR-shaped stand-in), or synthetic (a 10-class Gaussian mixture shaped 1x28x28: 2000 train, 500 test, for quick checks).")
    var dataset: DatasetName = .fashionMNIST

    @Option(help: "Directory of MNIST-format IDX files {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (default: /usr/share/datasets/fashion-mnist).")
    var dataDir: String?

    @Option(name: .customLong("data-npy"), parsing: .upToNextOption,
            help: "Your own data instead of --dataset: IMAGES.npy LABELS.npy (images [N,C,H,W] float32 in [0,1] or uint8; labels [N] int64).")
    var dataNPY: [String] = []

    @Option(name: .customLong("test-npy"), parsing: .upToNextOption,
            help: "Held-out data for --data-npy: IMAGES.npy LABELS.npy (default: the --data-npy set itself, named as such).")
    var testNPY: [String] = []

    func validate() throws {
        guard dataNPY.isEmpty || dataNPY.count == 2, testNPY.isEmpty || testNPY.count == 2 else {
            throw ValidationError("--data-npy and --test-npy each take two files: IMAGES.npy LABELS.npy")
        }
        guard testNPY.isEmpty || !dataNPY.isEmpty else { throw ValidationError("--test-npy needs --data-npy") }
    }

    /// What a sidecar records as the data of `split`: `npy:IMAGES` for --data-npy (the --test-npy
    /// images for the test split when given), `idx:DIR` for IDX files from --data-dir, otherwise
    /// the --dataset name.
    func recordedName(_ split: MNISTFormat.Split) -> String {
        if dataNPY.count == 2 {
            return "npy:" + (split == .test && testNPY.count == 2 ? testNPY[0] : dataNPY[0])
        }
        switch dataset {
        case .fashionMNIST, .fashionMNIST32:
            guard let dataDir else { return dataset.rawValue }
            return "idx:" + dataDir + (dataset == .fashionMNIST32 ? " (3x32x32)" : "")
        case .synthetic:
            return dataset.rawValue
        }
    }

    /// Sidecar parameters naming the data: "dataset" (the training split), and for --data-npy
    /// also "test_dataset", which may be the same files.
    var recordedParameters: [String: String] {
        var out = ["dataset": recordedName(.train)]
        if dataNPY.count == 2 { out["test_dataset"] = recordedName(.test) }
        return out
    }

    /// One split; pixels of IDX data are scaled to [0, 1].
    func load(_ split: MNISTFormat.Split) throws -> Dataset {
        if dataNPY.count == 2 {
            if split == .test, testNPY.count == 2 { return try NPYDataset.load(images: testNPY[0], labels: testNPY[1]) }
            return try NPYDataset.load(images: dataNPY[0], labels: dataNPY[1])
        }
        switch dataset {
        case .fashionMNIST32:
            return try MNISTFormat.load(split, directory: dataDir, name: dataDir == nil ? "fashion-mnist" : "idx").cifarShaped()
        case .fashionMNIST:
            return try MNISTFormat.load(split, directory: dataDir, name: dataDir == nil ? "fashion-mnist" : "idx")
        case .synthetic:
            // Fixed data seed: the synthetic set is the same for every run, like a real dataset.
            return try GaussianMixture.make(classes: 10, shape: [1, 28, 28], count: split == .train ? 2000 : 500,
                                            sigma: 1, seed: 0, split: split == .train ? 0 : 1)
        }
    }
}

enum NetworkIO {
    /// Loads a model file, turning a spec override into the architecture.
    static func loadModel(_ path: String, spec: String?) throws -> Sequential {
        try ModelFile.load(path, spec: spec)
    }

    /// Reads an .npy of inputs [N, …] for `model`; returns (values [N, input size], N, shape).
    static func readInputs(_ path: String, for model: Sequential) throws -> (x: [Float], count: Int, shape: [Int]) {
        let array = try NPYArray.read(from: path)
        let n: Int
        do { n = try model.batchCount(forArrayShape: array.shape) } catch let e as ModeLatticeError {
            throw ModeLatticeError.data("'\(path)': \(e.message)")
        }
        let x = array.floats()
        if let bad = x.firstIndex(where: { !$0.isFinite }) {
            throw ModeLatticeError.data("'\(path)': element \(bad) is not finite")
        }
        return (x, n, array.shape)
    }

    /// Fails unless the data fits the model (before any long computation).
    static func check(_ data: Dataset, fits model: Sequential) throws {
        guard data.exampleSize == model.inputSize else {
            throw ModeLatticeError.data("dataset '\(data.name)' has examples of shape \(data.shape) but model '\(model.spec)' takes \(model.inputShape)")
        }
        guard data.classes <= model.outputSize else {
            throw ModeLatticeError.data("dataset '\(data.name)' has \(data.classes) classes but model '\(model.spec)' has \(model.outputSize) outputs")
        }
    }

    /// The spec as a usage error if it does not parse.
    static func build(_ spec: String) throws -> Sequential {
        try ArchitectureSpec.build(spec)
    }
}
