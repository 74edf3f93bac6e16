import Support

/// The CLI's half of error messages: libraries name configuration fields
/// (``ModeLatticeError/invalid(_:_:)``), commands own the flag names and put them back.
enum CommandErrors {
    /// Runs `body`, renaming a field error's field to its flag (`["trials": "--trials"]`).
    @discardableResult
    static func naming<T>(_ flags: [String: String], _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ModeLatticeError {
            if let field = e.field, let flag = flags[field] { throw e.naming(flag) }
            throw e
        }
    }
}
