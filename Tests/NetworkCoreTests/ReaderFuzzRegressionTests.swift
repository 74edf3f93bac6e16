import Foundation
import Testing
@testable import NetworkCore
import Support
import TestSupport

/// Inputs that crashed (or would have crashed) the safetensors, model-file, IDX and spec readers,
/// found by the libFuzzer targets in `Fuzz/` or while writing them. Each must now be a typed,
/// one-line error: data (exit 65) for file contents, usage (64) for a `--spec` text, I/O (74) for
/// a file that cannot be read.
@Suite struct ReaderFuzzRegressionTests {
    func safetensors(_ header: String, data: [UInt8] = []) -> [UInt8] {
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) } + Array(header.utf8) + data
    }

    func model(_ bytes: [UInt8]) throws -> Sequential { try ModelFile.decode(try SafeTensors.decode(bytes)) }

    // MARK: safetensors

    /// Shapes whose element count (10¹⁹) or byte count (4·10¹⁸ × 8) overflows Int: the error
    /// message itself used to multiply the overflowing count and trap. (Sizes of 9·10¹⁵ and more
    /// are refused earlier, as not exactly representable JSON integers.)
    @Test func safetensorsShapeOverflow() {
        expectError(.data, mentioning: "shape [1000000000000000, 10000] is too large") {
            _ = try SafeTensors.decode(safetensors(#"{"a":{"dtype":"F64","shape":[1000000000000000,10000],"data_offsets":[0,0]}}"#))
        }
        expectError(.data, mentioning: "of F64 is too large") {
            _ = try SafeTensors.decode(safetensors(#"{"a":{"dtype":"F64","shape":[2000000000000000,2000],"data_offsets":[0,0]}}"#))
        }
        expectError(.data, mentioning: "not a list of non-negative integers") {
            _ = try SafeTensors.decode(safetensors(#"{"a":{"dtype":"F64","shape":[4611686018427387904,2],"data_offsets":[0,0]}}"#))
        }
    }

    /// A spec in the metadata asking for 10¹⁶ parameters: building it allocated (and failed).
    @Test func modelFileWithAnAbsurdSpec() {
        let header = #"{"__metadata__":{"spec":"mlp:100000000-100000000"},"0.bias":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#
        expectError(.data, mentioning: "at most 16777216") { _ = try model(safetensors(header)) }
        let big = #"{"__metadata__":{"spec":"mlp:16777216-16"},"0.bias":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#
        expectError(.data, mentioning: "more than 134217728 parameters") { _ = try model(safetensors(big)) }
    }

    /// Tensor names and metadata are the file's text: a newline in them stays escaped.
    @Test func tensorNameWithANewline() {
        expectError(.data, mentioning: "a\\nb") {
            _ = try SafeTensors.decode(safetensors(#"{"a\nb":{"dtype":"X9","shape":[],"data_offsets":[0,0]}}"#))
        }
    }

    @Test func unreadableModelIsAnIOError() {
        expectError(.io, mentioning: "no such file") { _ = try ModelFile.load("/nonexistent/m.safetensors") }
    }

    // MARK: IDX

    func idx(_ magic: UInt32, _ dims: [UInt32], _ data: [UInt8] = []) -> [UInt8] {
        ([magic] + dims).flatMap { v in withUnsafeBytes(of: v.bigEndian) { Array($0) } } + data
    }

    /// Three sizes of 2³² − 1: their product overflows Int.
    @Test func idxShapeOverflow() {
        expectError(.data, mentioning: "header says") { _ = try IDX.decode(idx(0x0803, [.max, .max, .max])) }
    }

    @Test func idxGzipIsDecodedAndCheckedInMemory() throws {
        let plain = idx(0x0803, [2, 1, 2], [1, 2, 3, 4])
        let member = try gzip(plain)
        #expect(try IDX.decode(member).shape == [2, 1, 2])
        #expect(try IDX.decode(member).bytes == [1, 2, 3, 4])
        // Two gzip members, as `cat a.gz b.gz` makes: one stream.
        let split = try gzip(Array(plain[0..<9])) + gzip(Array(plain[9...]))
        #expect(try IDX.decode(split).bytes == [1, 2, 3, 4])
        expectError(.data, mentioning: "truncated gzip") { _ = try IDX.decode(Array(member.dropLast(9))) }
        expectError(.data, mentioning: "corrupt gzip") { _ = try IDX.decode([0x1F, 0x8B, 0x08, 0x00] + [UInt8](repeating: 0, count: 12)) }
        expectError(.data, mentioning: "bad magic") { _ = try IDX.decode([0x1F]) }
        expectError(.data, mentioning: "truncated IDX header") { _ = try IDX.decode(idx(0x0803, [2])) }
    }

    @Test func idxPaths() throws {
        let path = try TemporaryDirectory.path("labels-idx1-ubyte.gz", tag: "reader-fuzz")
        try Data(try gzip(idx(0x0801, [3], [4, 5, 6]))).write(to: URL(fileURLWithPath: path))
        #expect(try IDX.read(path).bytes == [4, 5, 6])
        expectError(.io, mentioning: "no such file") { _ = try IDX.read("/nonexistent/t10k-images-idx3-ubyte") }
        let bad = try TemporaryDirectory.path("bad-idx1-ubyte", tag: "reader-fuzz")
        try Data([0, 0, 8, 1, 0, 0, 0, 9]).write(to: URL(fileURLWithPath: bad))
        expectError(.data, mentioning: bad) { _ = try IDX.read(bad) }
    }

    /// gzip(1) as an independent writer of the test streams.
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = try TemporaryDirectory.path("plain", tag: "reader-fuzz")
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", "-f", input]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: input + ".gz")))
    }

    // MARK: architecture specs

    /// A bare newline: the error quoted it and printed two lines.
    @Test func specWithANewline() {
        expectError(.usage, mentioning: "'\\n'") { _ = try ArchitectureSpec.build("\n") }
    }

    /// Sizes that overflowed Int while parsing, while shaping a layer, or while counting parameters.
    @Test(arguments: [
        ("mlp:99999999999999999999-1", "at most 16777216"),
        ("mlp:16777217-1", "at most 16777216"),
        ("cnn:1x4x4:c1k3p9223372036854775807", "c32k5"),
        ("cnn:16777216x16777216x16777216:f-l1", "more than 268435456 values per example"),
        ("cnn:1x16777216x16777216:c16777216k1-f-l1", "more than 268435456 values per example"),
        ("cnn:1x4x4:c16777216k4-c16777216k1", "more than 134217728 parameters"),
        ("mlp:16777216-16777216", "more than 134217728 parameters"),
        ("resnet18:width=16777216", "more than"),
        ("resnet18:input=3x16777216x16777216", "more than 268435456 values per example"),
        ("resnet18:num_classes=99999999999999999999", "at most 16777216"),
    ])
    func specSizesAreBounded(spec: String, word: String) {
        expectError(.usage, mentioning: word) { _ = try ArchitectureSpec.build(spec) }
    }

    @Test func largestSpecSizesStillBuild() throws {
        #expect(try ArchitectureSpec.build("mlp:1-16777216").parameterCount == 2 * 16_777_216)
        #expect(try ArchitectureSpec.build("mlp:3-4:gelu").parameterCount == 16)
    }
}
