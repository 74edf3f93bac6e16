import NetworkCore
import Support

/// libFuzzer target: bytes as a model file through ``SafeTensors/decode(_:)`` and
/// ``ModelFile/decode(_:spec:)`` — together what ``ModelFile/load(_:spec:)`` does with a path
/// (the architecture comes from the file's `__metadata__["spec"]`).
@_cdecl("LLVMFuzzerTestOneInput")
public func safeTensorsFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let file = FuzzCheck.bytes(data, size)
    FuzzCheck.expect([.data]) {
        let tensors = try SafeTensors.decode(file)
        for entry in tensors.entries {
            precondition(entry.floats().count == entry.shape.reduce(1, *), "tensor '\(entry.name)' size differs from its shape")
        }
        let again = try SafeTensors.decode(tensors.encoded())
        precondition(again == tensors, "encode/decode round trip differs")
        _ = try ModelFile.decode(tensors)
    }
    return 0
}
