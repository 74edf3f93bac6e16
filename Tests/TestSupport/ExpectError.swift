import Support
import Testing

/// The one error-expectation helper of the reader regression suites (the fuzz findings in
/// `NPYFuzzRegressionTests` and `ReaderFuzzRegressionTests`): `body` must throw a
/// `ModeLatticeError` of `kind`, whose exit code is the kind's (64 usage, 65 data, 74 I/O), whose
/// message is one line (no control character below U+0020) and mentions `word`.
public func expectError(_ kind: ModeLatticeError.Kind, mentioning word: String,
                        sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
    } catch let e as ModeLatticeError {
        #expect(e.kind == kind, "\(e.message)", sourceLocation: sourceLocation)
        #expect(e.exitCode == kind.rawValue, sourceLocation: sourceLocation)
        #expect(!e.message.unicodeScalars.contains { $0.value < 0x20 }, "\(e.message)", sourceLocation: sourceLocation)
        #expect(e.message.contains(word), "\(e.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
    }
}
