import Support

/// A labelled image-classification set held in memory.
///
/// images [N, C·H·W] Float in C order (NCHW per example), labels [N] Int32 in 0..<classes.
/// Pixels of IDX datasets are bytes scaled to [0, 1] (value/255), with no mean/std normalization.
public struct Dataset: Sendable {
    public var name: String
    /// Per-example shape [C, H, W] (or [D] for flat synthetic data).
    public var shape: [Int]
    public var images: [Float]
    public var labels: [Int32]
    public var classes: Int

    public init(name: String, shape: [Int], images: [Float], labels: [Int32], classes: Int) {
        precondition(images.count == labels.count * shape.reduce(1, *), "images and labels disagree")
        self.name = name
        self.shape = shape
        self.images = images
        self.labels = labels
        self.classes = classes
    }

    public var count: Int { labels.count }
    public var exampleSize: Int { shape.reduce(1, *) }

    /// The examples at `indices`, in that order.
    public func select(_ indices: [Int]) -> Dataset {
        let d = exampleSize
        var x = [Float](repeating: 0, count: indices.count * d)
        var y = [Int32](repeating: 0, count: indices.count)
        images.withUnsafeBufferPointer { src in
            x.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    (dst.baseAddress! + k * d).update(from: src.baseAddress! + i * d, count: d)
                    y[k] = labels[i]
                }
            }
        }
        return Dataset(name: name, shape: shape, images: x, labels: y, classes: classes)
    }

    /// A deterministic random subset of `n` examples (all when n ≥ count): the first n of a GSL
    /// permutation seeded with `SeedSequence.derive(seed, stream: "subset", index: 0)`, kept in
    /// their original order.
    public func subset(_ n: Int, seed: UInt64, generator: String? = nil) throws -> Dataset {
        guard n < count else { return self }
        let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "subset", index: 0))
        let order = rng.permutation(count).prefix(n).map(Int.init).sorted()
        return select(order)
    }

    /// The first `n` examples (deterministic without a seed).
    public func prefix(_ n: Int) -> Dataset { select(Array(0..<min(n, count))) }
}
