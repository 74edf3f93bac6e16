import Foundation
import Testing
@testable import Support
import TestSupport

/// Inputs that crashed (or would have crashed) `NPYArray.decode`, found by the libFuzzer target
/// `Fuzz/NPYFuzz.swift` or while writing it; each must now be a one-line data error (exit 65).
/// A file that cannot be read at all is an I/O error (exit 74).
@Suite struct NPYFuzzRegressionTests {
    func npy(_ header: String, data: [UInt8] = []) -> [UInt8] {
        var text = header
        text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
        let n = text.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(text.utf8) + data
    }

    /// Closing parenthesis before the opening one: the slice between them trapped.
    @Test func shapeWithParenthesesReversed() {
        expectError(.data, mentioning: "not a tuple") {
            _ = try NPYArray.decode(npy("{'descr': '<f4', 'fortran_order': False, 'shape': )(, }"))
        }
    }

    /// 2⁶² × 4 elements of 8 bytes: the byte count overflows Int.
    @Test func shapeWhoseByteCountOverflows() {
        expectError(.data, mentioning: "does not match shape") {
            _ = try NPYArray.decode(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"))
        }
    }

    @Test func fortranOrderMustBeTrueOrFalse() {
        expectError(.data, mentioning: "Fortran-order") {
            _ = try NPYArray.decode(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", data: [0, 0, 0, 0]))
        }
        expectError(.data, mentioning: "not True or False") {
            _ = try NPYArray.decode(npy("{'descr': '<f4', 'fortran_order': Truest, 'shape': (1,), }", data: [0, 0, 0, 0]))
        }
    }

    /// Only a tuple's trailing comma may leave an empty entry.
    @Test func shapeTuples() throws {
        #expect(try NPYArray.decode(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", data: [7, 9])).shape == [2])
        #expect(try NPYArray.decode(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", data: [7])).shape == [])
        #expect(try NPYArray.decode(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1L, 1), }", data: [1, 0, 0, 0])).integers() == [1])
        expectError(.data, mentioning: "not a size") {
            _ = try NPYArray.decode(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,,), }", data: [7, 9]))
        }
    }

    /// A newline in the dtype used to reach the terminal as a second line.
    @Test func controlCharactersInTheHeaderStayOnOneLine() {
        expectError(.data, mentioning: "f4\\nx") {
            _ = try NPYArray.decode(npy("{'descr': '<f4\nx', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]))
        }
    }

    @Test func unreadablePathsAreIOErrors() throws {
        expectError(.io, mentioning: "no such file") { _ = try NPYArray.read(from: "/nonexistent/x.npy") }
        let directory = NSTemporaryDirectory() + "npy-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        expectError(.io, mentioning: "cannot read") { _ = try NPYArray.read(from: directory) }
    }
}

@Suite struct OneLineErrorTests {
    @Test func controlCharactersAreEscaped() {
        #expect(ModeLatticeError.data("a\nb\tc\r\u{1B}[31m\u{2028}").message == "a\\nb\\tc\\r\\u{1B}[31m\\u{2028}")
        #expect(ModeLatticeError.usage("plain 'text' é ∑").message == "plain 'text' é ∑")
    }

    @Test func checkedSizes() {
        #expect(CheckedSize.product([3, 28, 28]) == 2352)
        #expect(CheckedSize.product([Int]()) == 1)
        #expect(CheckedSize.product([0, 5]) == 0)
        #expect(CheckedSize.product([1 << 62, 4]) == nil)
        #expect(CheckedSize.product([0, Int.max, Int.max]) == nil)
        #expect(CheckedSize.product([2, -1]) == nil)
        #expect(CheckedSize.product([1 << 10, 1 << 10], limit: 1 << 20) == 1 << 20)
        #expect(CheckedSize.product([1 << 10, 1 << 10], limit: (1 << 20) - 1) == nil)
        #expect(CheckedSize.sum(Int.max, 1) == nil)
        #expect(CheckedSize.sum(2, 3, limit: 5) == 5)
    }
}
