/// An error meant for the person at the terminal: one line naming the problem (and, where there is
/// one, the fix), plus the sysexits(3) category the command-line tool exits with.
///
/// - `usage` (EX_USAGE, 64): a flag or argument that cannot be right (size < 2, p outside [0,1], …).
/// - `data` (EX_DATAERR, 65): an input file whose contents are wrong (not .npy, wrong dtype, …).
/// - `io` (EX_IOERR, 74): a file that cannot be read or written.
/// - `software` (EX_SOFTWARE, 70): a numerical failure detected at run time (a NaN loss, …).
public struct ModeLatticeError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Int32, Sendable {
        case usage = 64
        case data = 65
        case software = 70
        case io = 74
    }

    public var kind: Kind
    public var message: String
    /// The configuration field a usage error is about (`"trials"`), when there is one. Libraries
    /// describe values, never command-line flags; the CLI maps the field to its flag name.
    public var field: String?
    /// The message without the field name ("must be at least 1 (got 0)").
    public var problem: String?

    /// `message` is kept to one line: it often quotes input (a spec, a tensor name, a header
    /// value) that may hold newlines or other control characters, which appear escaped (`\n`,
    /// `\u{1B}`) so the terminal shows exactly one line.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = Self.oneLine(message)
    }

    /// `text` with every control character (C0, DEL, C1, and the Unicode line and paragraph
    /// separators) written as a Swift escape.
    public static func oneLine(_ text: String) -> String {
        func isControl(_ s: Unicode.Scalar) -> Bool {
            s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if isControl(s) {
                let escaped = switch s {
                case "\n": "\\n"
                case "\r": "\\r"
                case "\t": "\\t"
                default: "\\u{\(String(s.value, radix: 16, uppercase: true))}"
                }
                out.append(contentsOf: escaped.unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// A usage error about one configuration field: the message is "FIELD PROBLEM".
    public static func invalid(_ field: String, _ problem: String) -> ModeLatticeError {
        var e = ModeLatticeError(.usage, field + " " + problem)
        e.field = field
        e.problem = problem
        return e
    }

    /// The same error with the field spelled as `name` (e.g. its flag `--trials`).
    public func naming(_ name: String) -> ModeLatticeError {
        guard let problem else { return self }
        var e = self
        e.message = Self.oneLine(name + " " + problem)
        return e
    }

    public static func usage(_ message: String) -> ModeLatticeError { .init(.usage, message) }
    public static func data(_ message: String) -> ModeLatticeError { .init(.data, message) }
    public static func io(_ message: String) -> ModeLatticeError { .init(.io, message) }
    public static func software(_ message: String) -> ModeLatticeError { .init(.software, message) }

    public var exitCode: Int32 { kind.rawValue }
    public var description: String { message }
}
