import Foundation
import NetworkCore
import Support

/// The arrays a saved model is applied to outside training: inputs X [N, …] laid out for the model
/// ([N, C, H, W], [N, H, W] or [N, C·H·W] for an image model) and integer labels [N], each read
/// from `.npy` and checked (finite inputs, labels in 0..<classes) before any computation.
public enum ModelArrays {
    /// The inputs in `path` for `model`: values [N · input size], N, and the file's shape.
    public static func inputs(_ path: String, for model: Sequential) throws -> (x: [Float], count: Int, shape: [Int]) {
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

    /// The labels in `path`: shape [count], each in 0..<classes.
    public static func labels(_ path: String, count n: Int, classes: Int) throws -> [Int32] {
        let array = try NPYArray.read(from: path)
        let y: [Int64]
        do { y = try array.integers() } catch let e as ModeLatticeError {
            throw ModeLatticeError.data("'\(path)': \(e.message)")
        }
        guard array.shape == [n] else {
            throw ModeLatticeError.data("'\(path)' has shape \(array.shape) but the inputs hold \(n) examples; expected [\(n)]")
        }
        if let bad = y.firstIndex(where: { $0 < 0 || $0 >= Int64(classes) }) {
            throw ModeLatticeError.data("'\(path)': label \(y[bad]) at index \(bad) is outside 0..<\(classes)")
        }
        return y.map { Int32($0) }
    }
}
