import NetworkCore
import Support

/// libFuzzer target: bytes (as UTF-8, invalid sequences repaired as Swift's String does) as an
/// architecture spec through ``ArchitectureSpec/build(_:)``, the call behind `--spec`. A spec
/// comes from a flag, so a bad one is a usage error (64); ModelFile turns it into a data error.
@_cdecl("LLVMFuzzerTestOneInput")
public func specFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: FuzzCheck.bytes(data, size), as: UTF8.self)
    FuzzCheck.expect([.usage]) {
        let model = try ArchitectureSpec.build(text)
        precondition(model.parameters.count <= Sequential.maxParameters, "model larger than the limit")
        precondition(model.stateEntries.allSatisfy { $0.range.count == $0.shape.reduce(1, *) }, "state entries disagree with shapes")
    }
    return 0
}
