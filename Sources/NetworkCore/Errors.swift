import Support

/// NetworkCore reports problems as Support's ``ModeLatticeError`` (one line, sysexits kind); these
/// shorthands keep call sites short.
enum ModeLatticeErrorBridge {
    static func data(_ message: String) -> ModeLatticeError { .data(message) }
    static func usage(_ message: String) -> ModeLatticeError { .usage(message) }
    static func io(_ message: String) -> ModeLatticeError { .io(message) }
    static func software(_ message: String) -> ModeLatticeError { .software(message) }
}

extension Array where Element == Int {
    /// Product of the sizes (1 for a scalar shape).
    @inline(__always) var elementCount: Int { reduce(1, *) }
}
