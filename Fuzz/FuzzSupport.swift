import Support

/// Shared by every fuzz target: the input must either decode or fail with a typed
/// ``ModeLatticeError`` of the data category (exit 65). Anything else (another error type, an I/O
/// or usage category for bytes already in memory) is a finding, so it is turned into a crash that
/// libFuzzer records with the input.
enum FuzzCheck {
    static func expect(_ allowed: Set<ModeLatticeError.Kind>, _ body: () throws -> Void) {
        do {
            try body()
        } catch let error as ModeLatticeError {
            if !allowed.contains(error.kind) {
                fatalError("wrong error category \(error.kind) (exit \(error.exitCode)): \(error.message)")
            }
            if error.message.isEmpty || error.message.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                fatalError("error message is not one line: \(error.message)")
            }
        } catch {
            fatalError("untyped error \(type(of: error)): \(error)")
        }
    }

    static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}
