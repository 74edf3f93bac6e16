import Foundation

/// An n-dimensional array in NumPy's `.npy` format (format versions 1.0–3.0, C order).
///
/// The format: magic `\x93NUMPY`, a version byte pair, a little-endian header length (2 bytes in
/// v1, 4 in v2/v3), then an ASCII Python dict `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (…), }` padded with spaces and a newline so the data starts on a 64-byte boundary,
/// then the raw little-endian data. ModeLattice reads and writes `bool` (`|b1`), `uint8` (`|u1`),
/// `int32` (`<i4`), `int64` (`<i8`), `float32` (`<f4`) and `float64` (`<f8`).
public struct NPYArray: Sendable, Equatable {
    public enum DType: String, Sendable, CaseIterable {
        case bool = "|b1", uint8 = "|u1", int32 = "<i4", int64 = "<i8", float32 = "<f4", float64 = "<f8"

        public var byteSize: Int {
            switch self {
            case .bool, .uint8: 1
            case .int32, .float32: 4
            case .int64, .float64: 8
            }
        }

        public var name: String {
            switch self {
            case .bool: "bool"
            case .uint8: "uint8"
            case .int32: "int32"
            case .int64: "int64"
            case .float32: "float32"
            case .float64: "float64"
            }
        }

        /// Accepts the byte-order spellings NumPy writes (`<`, `|`, `=`) for our dtypes.
        init?(descr: String) {
            var d = descr
            if let first = d.first, first == "=" || first == "|" || first == "<" { d.removeFirst() }
            switch d {
            case "b1", "?": self = .bool
            case "u1": self = .uint8
            case "i4": self = .int32
            case "i8": self = .int64
            case "f4": self = .float32
            case "f8": self = .float64
            default: return nil
            }
        }
    }

    public var dtype: DType
    public var shape: [Int]
    /// Raw little-endian element bytes, C order.
    public var bytes: [UInt8]

    public var count: Int { shape.reduce(1, *) }

    public init(dtype: DType, shape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == shape.reduce(1, *) * dtype.byteSize, "byte count does not match shape")
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    public init(float32 values: [Float], shape: [Int]) {
        self.init(dtype: .float32, shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    }

    public init(float64 values: [Double], shape: [Int]) {
        self.init(dtype: .float64, shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    }

    public init(int64 values: [Int64], shape: [Int]) {
        self.init(dtype: .int64, shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    }

    public init(bool values: [Bool], shape: [Int]) {
        self.init(dtype: .bool, shape: shape, bytes: values.map { $0 ? 1 : 0 })
    }

    public init(uint8 values: [UInt8], shape: [Int]) {
        self.init(dtype: .uint8, shape: shape, bytes: values)
    }

    // MARK: typed views

    private func load<T>(_: T.Type) -> [T] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
        }
    }

    /// Elements as Float (any numeric dtype converts; bool/uint8 become 0/1/…).
    public func floats() -> [Float] {
        switch dtype {
        case .float32: load(Float.self)
        case .float64: load(Double.self).map { Float($0) }
        case .int32: load(Int32.self).map { Float($0) }
        case .int64: load(Int64.self).map { Float($0) }
        case .bool, .uint8: bytes.map { Float($0) }
        }
    }

    public func doubles() -> [Double] {
        switch dtype {
        case .float32: load(Float.self).map { Double($0) }
        case .float64: load(Double.self)
        case .int32: load(Int32.self).map { Double($0) }
        case .int64: load(Int64.self).map { Double($0) }
        case .bool, .uint8: bytes.map { Double($0) }
        }
    }

    /// Elements as Int64 (integer and bool dtypes only).
    public func integers() throws -> [Int64] {
        switch dtype {
        case .int32: return load(Int32.self).map { Int64($0) }
        case .int64: return load(Int64.self)
        case .bool, .uint8: return bytes.map { Int64($0) }
        case .float32, .float64:
            throw ModeLatticeError.data("expected an integer array, found dtype \(dtype.name)")
        }
    }

    /// Nonzero elements as true (bool and uint8 only: a mask).
    public func mask() throws -> [Bool] {
        switch dtype {
        case .bool, .uint8: return bytes.map { $0 != 0 }
        default:
            throw ModeLatticeError.data("expected a bool or uint8 mask, found dtype \(dtype.name)")
        }
    }

    // MARK: encoding

    /// The complete file contents (format 1.0, or 2.0 when the header needs it).
    public func encoded() -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let useV2 = header.utf8.count + 12 > 65_535
        let prefix = useV2 ? 12 : 10
        let total = prefix + header.utf8.count + 1
        let padding = (64 - total % 64) % 64
        header += String(repeating: " ", count: padding) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [useV2 ? 2 : 1, 0]
        let length = header.utf8.count
        if useV2 {
            withUnsafeBytes(of: UInt32(length).littleEndian) { out.append(contentsOf: $0) }
        } else {
            withUnsafeBytes(of: UInt16(length).littleEndian) { out.append(contentsOf: $0) }
        }
        out.append(contentsOf: header.utf8)
        out.append(contentsOf: bytes)
        return out
    }

    /// Writes the array atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    // MARK: decoding

    /// Reads a `.npy` file; a missing file is an I/O error, anything malformed a data error.
    public static func read(from path: String) throws -> NPYArray {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModeLatticeError.io("cannot read '\(path)': no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModeLatticeError.io("cannot read '\(path)'")
        }
        do {
            return try decode([UInt8](data))
        } catch let error as ModeLatticeError {
            throw ModeLatticeError(error.kind, "'\(path)': \(error.message)")
        }
    }

    public static func decode(_ file: [UInt8]) throws -> NPYArray {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard file.count >= 10, Array(file[0..<6]) == magic else {
            throw ModeLatticeError.data("not a .npy file (no \\x93NUMPY magic); save arrays with numpy.save")
        }
        let major = file[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(file[8]) | Int(file[9]) << 8
            headerStart = 10
        case 2, 3:
            guard file.count >= 12 else { throw ModeLatticeError.data("truncated .npy header") }
            headerLength = Int(file[8]) | Int(file[9]) << 8 | Int(file[10]) << 16 | Int(file[11]) << 24
            headerStart = 12
        default:
            throw ModeLatticeError.data("unsupported .npy format version \(major)")
        }
        guard headerStart + headerLength <= file.count else {
            throw ModeLatticeError.data("truncated .npy header")
        }
        guard let header = String(bytes: file[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw ModeLatticeError.data(".npy header is not text")
        }
        guard let descr = value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) else {
            throw ModeLatticeError.data(".npy header has no 'descr'")
        }
        guard let dtype = DType(descr: descr) else {
            throw ModeLatticeError.data("unsupported .npy dtype '\(descr)' (use bool, uint8, int32, int64, float32 or float64, little-endian)")
        }
        if let fortran = value(of: "fortran_order", in: header) {
            switch fortran {
            case "False": break
            case "True":
                throw ModeLatticeError.data("Fortran-order .npy arrays are not supported; save with numpy.ascontiguousarray")
            default:
                throw ModeLatticeError.data(".npy 'fortran_order' is '\(fortran)', not True or False")
            }
        }
        guard let shapeText = value(of: "shape", in: header) else {
            throw ModeLatticeError.data(".npy header has no 'shape'")
        }
        let shape = try parseShape(shapeText)
        let dataStart = headerStart + headerLength
        let dataLength = file.count - dataStart
        guard let count = CheckedSize.product(shape), let byteCount = CheckedSize.product(count, dtype.byteSize),
              dataLength == byteCount else {
            throw ModeLatticeError.data(".npy data size \(dataLength) bytes does not match shape \(shape) of \(dtype.name)")
        }
        return NPYArray(dtype: dtype, shape: shape, bytes: Array(file[dataStart...]))
    }

    /// The sizes of a shape tuple `(3, 28, 28)`, `(5,)` or `()` (Python 2 longs `5L` allowed).
    private static func parseShape(_ text: String) throws -> [Int] {
        guard text.first == "(", text.last == ")" else {
            throw ModeLatticeError.data(".npy 'shape' is '\(text)', not a tuple of sizes")
        }
        var shape: [Int] = []
        let parts = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
        for (i, part) in parts.enumerated() {
            let t = part.trimmingCharacters(in: .whitespaces)
            // Only the trailing comma of a tuple may leave an empty part: "(5,)".
            if t.isEmpty && i == parts.count - 1 && i > 0 { continue }
            if t.isEmpty && parts.count == 1 { continue }
            guard let v = Int(t.hasSuffix("L") ? String(t.dropLast()) : t), v >= 0 else {
                throw ModeLatticeError.data(".npy shape entry '\(t)' is not a size")
            }
            shape.append(v)
        }
        return shape
    }

    /// The text after `'key':` up to the next top-level comma (shape tuples kept whole).
    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[range.upperBound...].drop(while: { $0 == " " })
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop(while: { $0 == " " })
        var depth = 0
        var out = ""
        for c in rest {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if (c == "," && depth == 0) || c == "}" { break }
            out.append(c)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
