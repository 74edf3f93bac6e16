import Foundation
import NetworkCore
import Support

/// Where an experiment's labelled data come from: a named dataset (Fashion-MNIST from the Debian
/// package or an IDX directory, its 3×32×32 CIFAR-shaped padding, or a synthetic Gaussian
/// mixture), or the user's own `.npy` arrays.
public struct DataSource: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Name: String, Codable, Sendable, CaseIterable {
        case fashionMNIST = "fashion-mnist"
        /// Fashion-MNIST padded to 32×32 and replicated to 3 channels: the CIFAR-shaped stand-in.
        case fashionMNIST32 = "fashion-mnist-3x32x32"
        /// A 10-class Gaussian mixture shaped 1×28×28 (2000 train, 500 test), fixed data seed.
        case synthetic
    }

    /// The named dataset (ignored when `npy` is given).
    public var dataset: Name = .fashionMNIST
    /// IDX directory {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (nil: the Debian package's).
    public var dataDir: String? = nil
    /// Own data: [IMAGES.npy, LABELS.npy] (images [N,C,H,W] float32 in [0,1] or uint8; labels [N] int64).
    public var npy: [String]? = nil
    /// Held-out own data for the test split (nil: `npy` itself).
    public var testNPY: [String]? = nil

    public init(dataset: Name = .fashionMNIST, dataDir: String? = nil, npy: [String]? = nil, testNPY: [String]? = nil) {
        self.dataset = dataset
        self.dataDir = dataDir
        self.npy = npy
        self.testNPY = testNPY
    }

    public func validate() throws {
        guard npy == nil || npy!.count == 2, testNPY == nil || testNPY!.count == 2 else {
            throw ModeLatticeError.invalid("npy", "takes two files: IMAGES.npy LABELS.npy")
        }
        guard testNPY == nil || npy != nil else { throw ModeLatticeError.invalid("testNPY", "needs own training data (npy)") }
    }

    /// What a sidecar records as the data of `split`: `npy:IMAGES`, `idx:DIR`, or the dataset name.
    public func recordedName(_ split: MNISTFormat.Split) -> String {
        if let npy { return "npy:" + (split == .test ? (testNPY ?? npy)[0] : npy[0]) }
        switch dataset {
        case .fashionMNIST, .fashionMNIST32:
            guard let dataDir else { return dataset.rawValue }
            return "idx:" + dataDir + (dataset == .fashionMNIST32 ? " (3x32x32)" : "")
        case .synthetic: return dataset.rawValue
        }
    }

    public var description: String { recordedName(.train) }

    /// One split; pixels of IDX data are scaled to [0, 1].
    public func load(_ split: MNISTFormat.Split) throws -> Dataset {
        try validate()
        if let npy {
            let files = split == .test ? (testNPY ?? npy) : npy
            return try NPYDataset.load(images: files[0], labels: files[1])
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

    /// Fails unless `data` fits `model` (before any long computation).
    public static func check(_ data: Dataset, fits model: Sequential) throws {
        guard data.exampleSize == model.inputSize else {
            throw ModeLatticeError.data("dataset '\(data.name)' has examples of shape \(data.shape) but model '\(model.spec)' takes \(model.inputShape)")
        }
        guard data.classes <= model.outputSize else {
            throw ModeLatticeError.data("dataset '\(data.name)' has \(data.classes) classes but model '\(model.spec)' has \(model.outputSize) outputs")
        }
    }
}
