import CZlib
import Foundation
import Support

/// Reader for the IDX format of MNIST and Fashion-MNIST (LeCun et al.; Xiao, Rasul & Vollgraf
/// 2017), gzip-compressed or plain (zlib's gzread reads both).
///
/// Layout: big-endian magic 0x0000_08DD (08 = unsigned byte, DD = number of dimensions), then DD
/// big-endian u32 sizes, then the bytes. Images: 3 dimensions [N, 28, 28]; labels: 1 dimension [N].
public enum IDX {
    /// (shape, bytes) of the IDX file at `path`.
    public static func read(_ path: String) throws -> (shape: [Int], bytes: [UInt8]) {
        guard let file = gzopen(path, "rb") else {
            throw ModeLatticeError.io("cannot open '\(path)'")
        }
        defer { gzclose(file) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if got < 0 { throw ModeLatticeError.data("'\(path)' is not a readable gzip/IDX file") }
            if got == 0 { break }
            data.append(contentsOf: chunk[0..<Int(got)])
        }
        guard data.count >= 4, data[0] == 0, data[1] == 0, data[2] == 0x08 else {
            throw ModeLatticeError.data("'\(path)' is not an unsigned-byte IDX file (bad magic)")
        }
        let dims = Int(data[3])
        guard dims >= 1, data.count >= 4 + 4 * dims else { throw ModeLatticeError.data("'\(path)': truncated IDX header") }
        var shape: [Int] = []
        for d in 0..<dims {
            let o = 4 + 4 * d
            shape.append(Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3]))
        }
        let start = 4 + 4 * dims
        guard data.count - start == shape.reduce(1, *) else {
            throw ModeLatticeError.data("'\(path)': IDX data holds \(data.count - start) bytes but its header says \(shape)")
        }
        return (shape, Array(data[start...]))
    }
}

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017: 60 000 training and 10 000 test 28×28 grey images
/// of 10 clothing classes) or any directory holding the four standard MNIST-format IDX files
/// `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`.
public enum MNISTFormat {
    public enum Split: String, Sendable, CaseIterable { case train, test }

    /// Where the Debian package `dataset-fashion-mnist` installs the data.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// Loads one split: images [N, 1, 28, 28] scaled to [0, 1], labels [N].
    /// `defaultDirectory` is where to look when no `directory` is given (a missing default names the
    /// Debian package to install).
    public static func load(_ split: Split, directory: String? = nil, name: String = "fashion-mnist",
                            defaultDirectory: String = fashionMNISTDirectory) throws -> Dataset {
        let dir = directory ?? defaultDirectory
        let stem = split == .train ? "train" : "t10k"
        func locate(_ base: String) throws -> String {
            for candidate in [dir + "/" + base + ".gz", dir + "/" + base] where FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
            if directory == nil {
                throw ModeLatticeError.io("Fashion-MNIST not found (\(dir)/\(base).gz); install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass --data-dir")
            }
            throw ModeLatticeError.io("no \(base)[.gz] in data directory '\(dir)' (expected MNIST-format IDX files)")
        }
        let imagesPath = try locate("\(stem)-images-idx3-ubyte")
        let labelsPath = try locate("\(stem)-labels-idx1-ubyte")
        let (ishape, ibytes) = try IDX.read(imagesPath)
        let (lshape, lbytes) = try IDX.read(labelsPath)
        guard ishape.count == 3, lshape.count == 1, ishape[0] == lshape[0] else {
            throw ModeLatticeError.data("'\(imagesPath)' \(ishape) and '\(labelsPath)' \(lshape) do not describe the same examples")
        }
        let labels = lbytes.map { Int32($0) }
        let classes = Int(labels.max() ?? 0) + 1
        guard classes <= 256 else { throw ModeLatticeError.data("'\(labelsPath)': implausible labels") }
        let scale: Float = 1 / 255
        let images = ibytes.map { Float($0) * scale }
        return Dataset(name: name + "-" + split.rawValue, shape: [1, ishape[1], ishape[2]], images: images,
                       labels: labels, classes: max(classes, 10))
    }
}
