import CZlib
import Foundation
import Support

/// Reader for the IDX format of MNIST and Fashion-MNIST (LeCun et al.; Xiao, Rasul & Vollgraf
/// 2017), gzip-compressed or plain (zlib's gzread reads both).
///
/// Layout: big-endian magic 0x0000_08DD (08 = unsigned byte, DD = number of dimensions), then DD
/// big-endian u32 sizes, then the bytes. Images: 3 dimensions [N, 28, 28]; labels: 1 dimension [N].
public enum IDX {
    /// (shape, bytes) of the IDX file at `path`: a file that cannot be read is an I/O error,
    /// contents that are not gzip/IDX a data error naming the file.
    public static func read(_ path: String) throws -> (shape: [Int], bytes: [UInt8]) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModeLatticeError.io("cannot open '\(path)': no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModeLatticeError.io("cannot read '\(path)'")
        }
        do {
            return try decode([UInt8](data))
        } catch let error as ModeLatticeError {
            throw ModeLatticeError(error.kind, "'\(path)': \(error.message)")
        }
    }

    /// (shape, bytes) of IDX file contents, gzip-compressed (magic 1f 8b, members concatenated as
    /// gzip(1) allows) or plain.
    public static func decode(_ file: [UInt8]) throws -> (shape: [Int], bytes: [UInt8]) {
        let data = file.count >= 2 && file[0] == 0x1f && file[1] == 0x8b ? try gunzip(file) : file
        guard data.count >= 4, data[0] == 0, data[1] == 0, data[2] == 0x08 else {
            throw ModeLatticeError.data("not an unsigned-byte IDX file (bad magic)")
        }
        let dims = Int(data[3])
        guard dims >= 1, data.count >= 4 + 4 * dims else { throw ModeLatticeError.data("truncated IDX header") }
        var shape: [Int] = []
        for d in 0..<dims {
            let o = 4 + 4 * d
            shape.append(Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3]))
        }
        let start = 4 + 4 * dims
        guard let count = CheckedSize.product(shape), data.count - start == count else {
            throw ModeLatticeError.data("IDX data holds \(data.count - start) bytes but its header says \(shape)")
        }
        return (shape, Array(data[start...]))
    }

    /// The decompressed bytes of a gzip stream (RFC 1952) of one or more members; a corrupt or
    /// truncated stream is a data error.
    static func gunzip(_ file: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: gzip wrapper only (zlib manual, inflateInit2).
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ModeLatticeError.software("zlib could not initialize")
        }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        try file.withUnsafeBufferPointer { input in
            var consumed = 0
            while consumed < input.count {
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
                var status: Int32 = Z_OK
                repeat {
                    let produced = chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = UInt32(buffer.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        return buffer.count - Int(stream.avail_out)
                    }
                    out.append(contentsOf: chunk[0..<produced])
                    if status == Z_BUF_ERROR && stream.avail_in == 0 {
                        throw ModeLatticeError.data("truncated gzip stream")
                    }
                    guard status == Z_OK || status == Z_STREAM_END else {
                        throw ModeLatticeError.data("corrupt gzip stream (zlib status \(status))")
                    }
                } while status != Z_STREAM_END
                consumed = input.count - Int(stream.avail_in)
                // Another member may follow (gzip -c a b > c); trailing zero padding is ignored as gzip(1) does.
                if input[consumed...].allSatisfy({ $0 == 0 }) { break }
                guard inflateReset(&stream) == Z_OK else { throw ModeLatticeError.software("zlib could not reset") }
            }
        }
        return out
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
                throw ModeLatticeError.io("Fashion-MNIST not found (\(dir)/\(base).gz); install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or give a directory that holds the IDX files")
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
