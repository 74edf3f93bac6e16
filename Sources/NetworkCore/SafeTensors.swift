import Foundation
import Support

/// The safetensors file format (Hugging Face), as PyTorch users save `state_dict`s:
///
///     [8 bytes: N, little-endian u64] [N bytes: JSON header] [data section]
///
/// The header maps each tensor name to `{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}`
/// (byte offsets into the data section, C order, little-endian) and may hold a `__metadata__`
/// object of string → string. Reading validates everything a file could lie about — header length
/// vs file size, dtype names, `end − begin` = elements × dtype size, offsets inside the data
/// section, no two tensors overlapping — and names the offending tensor. Data offsets need not be
/// aligned (reads are unaligned-safe). Writing pads the header with spaces to a multiple of 8 and
/// keeps the tensors in the given order.
public struct SafeTensors: Sendable, Equatable {
    public enum DType: String, Sendable, CaseIterable {
        case F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL

        public var byteSize: Int {
            switch self {
            case .F64, .I64: 8
            case .F32, .I32: 4
            case .F16, .BF16, .I16: 2
            case .I8, .U8, .BOOL: 1
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        /// Raw little-endian bytes, C order.
        public var bytes: [UInt8]

        public init(name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        public init(name: String, floats: [Float], shape: [Int]) {
            self.init(name: name, dtype: .F32, shape: shape, bytes: floats.withUnsafeBytes { Array($0) })
        }

        /// The elements converted to Float (floating and integer dtypes).
        public func floats() -> [Float] {
            let n = shape.reduce(1, *)
            return bytes.withUnsafeBytes { raw -> [Float] in
                func load<T>(_: T.Type, _ f: (T) -> Float) -> [Float] {
                    (0..<n).map { f(raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
                }
                switch dtype {
                case .F32: return load(Float.self) { $0 }
                case .F64: return load(Double.self) { Float($0) }
                case .F16: return load(UInt16.self) { Float(Float16(bitPattern: $0)) }
                case .BF16: return load(UInt16.self) { Float(bitPattern: UInt32($0) << 16) }
                case .I64: return load(Int64.self) { Float($0) }
                case .I32: return load(Int32.self) { Float($0) }
                case .I16: return load(Int16.self) { Float($0) }
                case .I8: return load(Int8.self) { Float($0) }
                case .U8, .BOOL: return load(UInt8.self) { Float($0) }
                }
            }
        }
    }

    public var entries: [Entry]
    public var metadata: [String: String]

    public init(entries: [Entry], metadata: [String: String] = [:]) {
        self.entries = entries
        self.metadata = metadata
    }

    public subscript(name: String) -> Entry? { entries.first { $0.name == name } }

    // MARK: writing

    /// The complete file contents.
    public func encoded() -> [UInt8] {
        func quote(_ s: String) -> String {
            var out = "\""
            for ch in s.unicodeScalars {
                switch ch {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                default:
                    if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
                }
            }
            return out + "\""
        }
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(quote($0)):\(quote(metadata[$0]!))" }
            parts.append("\"__metadata__\":{" + items.joined(separator: ",") + "}")
        }
        var offset = 0
        for e in entries {
            let end = offset + e.bytes.count
            parts.append("\(quote(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out += header
        for e in entries { out += e.bytes }
        return out
    }

    /// Writes atomically (temporary file, then rename): no partial file on failure.
    public func write(to path: String) throws { try AtomicFile.write(encoded(), to: path) }

    // MARK: reading

    public static func read(from path: String) throws -> SafeTensors {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModeLatticeError.io("cannot read model '\(path)': no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModeLatticeError.io("cannot read model '\(path)'")
        }
        do {
            return try decode([UInt8](data))
        } catch let error as ModeLatticeError {
            throw ModeLatticeError(error.kind, "'\(path)': \(error.message)")
        }
    }

    public static func decode(_ file: [UInt8]) throws -> SafeTensors {
        guard file.count >= 8 else {
            throw ModeLatticeError.data("not a safetensors file: \(file.count) bytes, shorter than the 8-byte header length")
        }
        let n = file[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(file.count - 8) else {
            throw ModeLatticeError.data("safetensors header length \(n) exceeds the \(file.count - 8) bytes after it (truncated or not a safetensors file)")
        }
        let headerEnd = 8 + Int(n)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(file[8..<headerEnd]), options: [])
        } catch {
            throw ModeLatticeError.data("safetensors header is not valid JSON (truncated or not a safetensors file)")
        }
        guard let header = object as? [String: Any] else {
            throw ModeLatticeError.data("safetensors header is not a JSON object")
        }
        let dataLength = file.count - headerEnd
        var metadata: [String: String] = [:]
        var placed: [(name: String, begin: Int, end: Int, dtype: DType, shape: [Int])] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw ModeLatticeError.data("safetensors __metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw ModeLatticeError.data("safetensors __metadata__ value of '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw ModeLatticeError.data("tensor '\(name)': header entry is not an object") }
            guard let dtypeName = info["dtype"] as? String else { throw ModeLatticeError.data("tensor '\(name)': no dtype") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw ModeLatticeError.data("tensor '\(name)': unsupported dtype '\(dtypeName)' (use F32, F64, F16, BF16 or an integer type)")
            }
            guard let shapeAny = info["shape"] as? [Any], let shape = integers(shapeAny), shape.allSatisfy({ $0 >= 0 }) else {
                throw ModeLatticeError.data("tensor '\(name)': shape is not a list of non-negative integers")
            }
            guard let offsetsAny = info["data_offsets"] as? [Any], let offsets = integers(offsetsAny), offsets.count == 2 else {
                throw ModeLatticeError.data("tensor '\(name)': data_offsets is not a pair of integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end else {
                throw ModeLatticeError.data("tensor '\(name)': data_offsets [\(begin), \(end)] are not an increasing pair")
            }
            guard let count = CheckedSize.product(shape) else {
                throw ModeLatticeError.data("tensor '\(name)': shape \(shape) is too large")
            }
            guard let bytes = CheckedSize.product(count, dtype.byteSize) else {
                throw ModeLatticeError.data("tensor '\(name)': shape \(shape) of \(dtype.rawValue) is too large")
            }
            guard end - begin == bytes else {
                throw ModeLatticeError.data("tensor '\(name)': shape \(shape) of \(dtype.rawValue) needs \(bytes) bytes but data_offsets [\(begin), \(end)] span \(end - begin)")
            }
            guard end <= dataLength else {
                throw ModeLatticeError.data("tensor '\(name)': data_offsets end \(end) lies beyond the \(dataLength)-byte data section (file truncated?)")
            }
            placed.append((name, begin, end, dtype, shape))
        }
        placed.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        for i in placed.indices.dropFirst() where placed[i].begin < placed[i - 1].end {
            throw ModeLatticeError.data("tensors '\(placed[i - 1].name)' and '\(placed[i].name)' overlap in the data section")
        }
        let entries = placed.map { p in
            Entry(name: p.name, dtype: p.dtype, shape: p.shape, bytes: Array(file[(headerEnd + p.begin)..<(headerEnd + p.end)]))
        }
        return SafeTensors(entries: entries, metadata: metadata)
    }

    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            if let n = v as? NSNumber {
                let d = n.doubleValue
                guard d == d.rounded(), abs(d) < 9e15 else { return nil }
                out.append(n.intValue)
            } else if let i = v as? Int {
                out.append(i)
            } else {
                return nil
            }
        }
        return out
    }
}
