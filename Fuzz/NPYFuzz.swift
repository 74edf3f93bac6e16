import Support

/// libFuzzer target: bytes as a `.npy` file through ``NPYArray/decode(_:)`` (what
/// ``NPYArray/read(from:)`` calls), then every typed view a command may take of the array.
@_cdecl("LLVMFuzzerTestOneInput")
public func npyFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let file = FuzzCheck.bytes(data, size)
    FuzzCheck.expect([.data]) {
        let array = try NPYArray.decode(file)
        precondition(array.bytes.count == array.count * array.dtype.byteSize, "decoded byte count does not match shape")
        precondition(array.floats().count == array.count && array.doubles().count == array.count)
        _ = try? array.integers()
        _ = try? array.mask()
        // Re-encoding a decoded array and decoding it again gives the same array.
        let again = try NPYArray.decode(array.encoded())
        precondition(again == array, "encode/decode round trip differs")
    }
    return 0
}
