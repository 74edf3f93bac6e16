import Support

/// Bring-your-own labelled data as two NumPy files (e.g. CIFAR-10 exported once from torchvision):
/// images [N, C, H, W] (or [N, H, W], read as C = 1) float32/float64 with pixels in [0, 1], or
/// uint8 scaled by 1/255; labels [N] int64 (any integer dtype) in 0..<K. Mismatched counts,
/// negative labels, non-finite pixels or a wrong rank are data errors (exit 65) naming the file.
public enum NPYDataset {
    public static func load(images imagesPath: String, labels labelsPath: String, name: String? = nil) throws -> Dataset {
        let images = try NPYArray.read(from: imagesPath)
        let labelArray = try NPYArray.read(from: labelsPath)
        guard images.shape.count == 4 || images.shape.count == 3, images.shape.allSatisfy({ $0 > 0 }) else {
            throw ModeLatticeError.data("'\(imagesPath)': images must be [N, C, H, W] (or [N, H, W]), not \(images.shape)")
        }
        guard labelArray.shape.count == 1 else {
            throw ModeLatticeError.data("'\(labelsPath)': labels must be [N], not \(labelArray.shape)")
        }
        let n = images.shape[0]
        guard labelArray.shape[0] == n else {
            throw ModeLatticeError.data("'\(imagesPath)' holds \(n) images but '\(labelsPath)' holds \(labelArray.shape[0]) labels")
        }
        let labels: [Int64]
        do { labels = try labelArray.integers() } catch let e as ModeLatticeError {
            throw ModeLatticeError.data("'\(labelsPath)': \(e.message)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 > 65535 }) {
            throw ModeLatticeError.data("'\(labelsPath)': label \(labels[bad]) at index \(bad) is not a class index")
        }
        var pixels = images.floats()
        if images.dtype == .uint8 {
            for i in pixels.indices { pixels[i] *= 1 / 255 }
        } else if let bad = pixels.firstIndex(where: { !$0.isFinite }) {
            throw ModeLatticeError.data("'\(imagesPath)': element \(bad) is not finite")
        }
        let shape = images.shape.count == 4 ? Array(images.shape.dropFirst()) : [1] + images.shape.dropFirst()
        let classes = Int(labels.max() ?? 0) + 1
        return Dataset(name: name ?? "npy:" + imagesPath, shape: shape, images: pixels,
                       labels: labels.map { Int32($0) }, classes: classes)
    }
}

extension Dataset {
    /// A 1×28×28 set (Fashion-MNIST) made CIFAR-shaped, 3×(H+2p)×(W+2p): zero-padded by `p` = 2
    /// pixels on every side and the channel replicated three times (the stand-in for CIFAR-10
    /// when no other data is present; named `<name>-3x32x32`).
    public func cifarShaped(padding p: Int = 2) throws -> Dataset {
        guard shape.count == 3, shape[0] == 1 else {
            throw ModeLatticeError.data("dataset '\(name)' of shape \(shape) is not single-channel; cannot make it 3-channel")
        }
        let h = shape[1], w = shape[2], oh = h + 2 * p, ow = w + 2 * p
        var out = [Float](repeating: 0, count: count * 3 * oh * ow)
        for k in 0..<count {
            for c in 0..<3 {
                for i in 0..<h {
                    for j in 0..<w {
                        out[((k * 3 + c) * oh + i + p) * ow + j + p] = images[(k * h + i) * w + j]
                    }
                }
            }
        }
        return Dataset(name: "\(name)-3x\(oh)x\(ow)", shape: [3, oh, ow], images: out, labels: labels, classes: classes)
    }
}
