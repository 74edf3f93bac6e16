/// The window geometry shared by the 2-D pooling layers (PyTorch floor mode):
/// x [N, C, H, W] → y [N, C, OH, OW] with OH = ⌊(H + 2p − k)/s⌋ + 1, OW likewise; no parameters.
public protocol Pooling2d: Layer {
    var channels: Int { get }
    var height: Int { get }
    var width: Int { get }
    var kernel: Int { get }
    var stride: Int { get }
    var padding: Int { get }
}

extension Pooling2d {
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    public var inputShape: [Int] { [channels, height, width] }
    public var outputShape: [Int] { [channels, outHeight, outWidth] }
    public var parameterSlots: [TensorSlot] { [] }
}
