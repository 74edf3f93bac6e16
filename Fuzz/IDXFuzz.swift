import NetworkCore
import Support

/// libFuzzer target: bytes as an IDX file, gzip-compressed or plain, through ``IDX/decode(_:)``
/// (what ``IDX/read(_:)`` and so ``MNISTFormat/load`` call).
@_cdecl("LLVMFuzzerTestOneInput")
public func idxFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let file = FuzzCheck.bytes(data, size)
    FuzzCheck.expect([.data]) {
        let (shape, bytes) = try IDX.decode(file)
        precondition(!shape.isEmpty && shape.reduce(1, *) == bytes.count, "decoded bytes do not match shape")
    }
    return 0
}
