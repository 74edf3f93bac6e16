import Foundation

/// A JSON document as a value: what an experiment's configuration looks like between the catalog
/// file, its profile overrides and the `Codable` configuration struct.
///
/// Numbers are held as `Double` (JSON's own number model): integers up to 2^53 round-trip exactly,
/// which is why configurations keep seeds (64-bit) out of their fields and in ``RunSettings``.
/// ``canonicalText`` writes objects with sorted keys and no whitespace, so two equal values always
/// give the same text: fingerprints hash it.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The value of any `Encodable` (e.g. a configuration struct).
    public init<T: Encodable>(encoding value: T) throws {
        let data: Data
        do { data = try JSONEncoder().encode(value) } catch {
            throw ModeLatticeError.software("cannot encode \(T.self): \(error)")
        }
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Decodes a `Decodable` from this value.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(canonicalText.utf8))
    }

    /// Sorted keys, no whitespace, numbers in Swift's shortest round-trip form (integers without
    /// a fraction): equal values give equal text.
    public var canonicalText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d):
            if d == d.rounded(), abs(d) < 9.007199254740992e15 { return String(Int64(d)) }
            return "\(d)"
        case .string(let s):
            let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        case .array(let a): return "[" + a.map(\.canonicalText).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { JSONValue.string($0).canonicalText + ":" + o[$0]!.canonicalText }
                .joined(separator: ",") + "}"
        }
    }

    /// `self` with `overrides` laid over it, recursively for objects.
    public func overlaid(with overrides: JSONValue) -> JSONValue {
        guard case .object(var base) = self, case .object(let top) = overrides else { return overrides }
        for (key, value) in top { base[key] = base[key].map { $0.overlaid(with: value) } ?? value }
        return .object(base)
    }

    /// The key paths of `self` (an override) that `reference` lacks, e.g. a misspelt field that a
    /// decoder would silently drop. Null overrides are allowed to be absent (an unset optional).
    public func keyPaths(missingFrom reference: JSONValue, prefix: String = "") -> [String] {
        guard case .object(let mine) = self else { return [] }
        let theirs: [String: JSONValue]
        if case .object(let o) = reference { theirs = o } else { theirs = [:] }
        var missing: [String] = []
        for key in mine.keys.sorted() {
            let here = prefix.isEmpty ? key : prefix + "." + key
            guard let other = theirs[key] else {
                if mine[key] != .null { missing.append(here) }
                continue
            }
            missing += mine[key]!.keyPaths(missingFrom: other, prefix: here)
        }
        return missing
    }
}
