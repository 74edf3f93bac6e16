/// A dense, contiguous Float tensor: a shape and its elements in C (row-major) order.
///
/// Shape legend used throughout NetworkCore (PyTorch conventions, so files interchange):
///   N  batch size            C  channels           H, W  image height and width
///   D  input features        K  classes (outputs)  P     parameter count
/// Images are NCHW; a Linear weight is [out, in]; a Conv2d weight is [out, in, kh, kw].
///
/// A value type with an explicit buffer (copy-on-write through Swift's Array), so a tensor can be
/// handed between threads freely; hot loops work on `withUnsafe…BufferPointer` views of `storage`.
public struct Tensor: Sendable, Equatable {
    /// Sizes of each dimension; `[]` is a scalar.
    public var shape: [Int]
    /// Elements in C order, `shape.reduce(1, *)` of them.
    public var storage: [Float]

    /// Number of elements.
    public var count: Int { storage.count }

    /// A tensor of `shape` with the given elements (their count must match the shape).
    public init(shape: [Int], storage: [Float]) throws {
        let n = shape.reduce(1, *)
        guard n == storage.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw ModeLatticeErrorBridge.data("tensor of shape \(shape) needs \(n) values, got \(storage.count)")
        }
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// The same elements seen with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, storage: storage)
    }
}
