import Connectivity
import Support

/// Image strips of input-space paths, as the seed paper shows its pairs (Vrabel et al. 2025,
/// Figs. 2, 3 and 7): for a pair (A, C) of class k, the straight path's barrier point
///
///     B = A + α*(C − A),   α* = argmax_α CE(A + α(C − A), k)   (on the sampled α grid),
///
/// the bypass point B′ that replaces B in the first round (B′ = B when there is nothing to bend),
/// and C; the figure adds B′ − B. Each image carries CE of class k and the predicted class.
public struct ImageStrip: Sendable, Equatable {
    /// Names of the four images, in order.
    public static let imageNames = ["A", "B", "B'", "C"]
    /// Columns of the strips table: one row per image.
    public static let columns = ["pair", "class", "image", "loss", "predicted"]

    public var pair: Int
    public var pairClass: Int
    /// A, B, B′, C, each [input size].
    public var images: [[Float]]
    /// CE(image, class), in image order.
    public var losses: [Double]
    /// Predicted class of each image.
    public var predicted: [Int]

    /// The strip of pair `pair`: B from the straight barrier's argmax, B′ from the bypass (nil: B).
    public static func make(pair: Int, pairClass k: Int, a: [Float], c: [Float], barrier: Barrier,
                            bypassPoint: [Float]?, classifier: some InputClassifier) throws -> ImageStrip {
        let t = Float(barrier.alphaAtMax)
        let b = zip(a, c).map { $0 + t * ($1 - $0) }
        let images = [a, b, bypassPoint ?? b, c]
        let batch = images.flatMap { $0 }
        let losses = try classifier.crossEntropy(batch, targets: [Int](repeating: k, count: 4))
        let predicted = try classifier.predictions(batch, count: 4)
        return ImageStrip(pair: pair, pairClass: k, images: images, losses: losses, predicted: predicted)
    }

    /// The `count` pairs with the largest gaps, largest first, ties to the lower index (the order
    /// `path_profiles.png` uses to pick the pairs it draws).
    public static func largestGaps(_ gaps: [Double], count: Int) -> [Int] {
        Array(gaps.indices.sorted { gaps[$0] != gaps[$1] ? gaps[$0] > gaps[$1] : $0 < $1 }.prefix(count))
    }

    /// The strips table (one row per image) and the images as `.npy` bytes, float32 of shape
    /// [strips, 4] + `imageShape` (e.g. [K, 4, 1, 28, 28]).
    public static func products(_ strips: [ImageStrip], imageShape: [Int]) -> (table: Table, npy: [UInt8]) {
        var table = Table(columns: columns)
        for s in strips {
            for (j, name) in imageNames.enumerated() {
                table.append([.int(s.pair), .int(s.pairClass), .text(name), .double(s.losses[j]), .int(s.predicted[j])])
            }
        }
        let values = strips.flatMap { $0.images.flatMap { $0 } }
        return (table, NPYArray(float32: values, shape: [strips.count, 4] + imageShape).encoded())
    }
}
