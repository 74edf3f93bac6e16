import Foundation
import Testing
import TestSupport
@testable import Support

@Suite struct NPYTests {
    @Test(arguments: NPYArray.DType.allCases)
    func roundTripEveryDType(dtype: NPYArray.DType) throws {
        let shape = [3, 4, 5]
        let bytes = (0..<(60 * dtype.byteSize)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let fixed = dtype == .bool ? bytes.map { $0 & 1 } : bytes
        let array = NPYArray(dtype: dtype, shape: shape, bytes: fixed)
        let path = try TemporaryDirectory.path("a.npy")
        try array.write(to: path)
        let back = try NPYArray.read(from: path)
        #expect(back == array)
        // Data starts on a 64-byte boundary as NumPy requires.
        let file = try #require(FileManager.default.contents(atPath: path))
        #expect((file.count - fixed.count) % 64 == 0)
    }

    @Test func decodesNumPyWrittenHeader() throws {
        // Bytes as numpy.save writes np.array([[1.5, -2], [0, 3]], dtype='<f4').
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
        header += String(repeating: " ", count: (64 - (10 + header.count + 1) % 64) % 64) + "\n"
        var file: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + Array(header.utf8)
        for v: Float in [1.5, -2, 0, 3] { withUnsafeBytes(of: v) { file += $0 } }
        let a = try NPYArray.decode(file)
        #expect(a.shape == [2, 2])
        #expect(a.floats() == [1.5, -2, 0, 3])
    }

    @Test func rejectsBrokenFiles() throws {
        #expect(throws: ModeLatticeError.data("not a .npy file (no \\x93NUMPY magic); save arrays with numpy.save")) {
            try NPYArray.decode(Array("hello world, not numpy".utf8))
        }
        let good = NPYArray(float32: [1, 2, 3], shape: [3]).encoded()
        #expect(throws: ModeLatticeError.self) { try NPYArray.decode(Array(good.dropLast(2))) } // truncated
        var bigEndian = good
        if let r = String(decoding: bigEndian, as: UTF8.self).range(of: "<f4") {
            let offset = String(decoding: bigEndian, as: UTF8.self).utf8.distance(from: String(decoding: bigEndian, as: UTF8.self).utf8.startIndex, to: r.lowerBound)
            bigEndian[offset] = UInt8(ascii: ">")
        }
        #expect(throws: ModeLatticeError.self) { try NPYArray.decode(bigEndian) }
        do {
            _ = try NPYArray.read(from: "/nonexistent/x.npy")
            Issue.record("expected an error")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .io)
        }
    }

    @Test func maskAcceptsOnlyBoolAndUInt8() throws {
        #expect(try NPYArray(uint8: [0, 2, 1], shape: [3]).mask() == [false, true, true])
        #expect(throws: ModeLatticeError.self) { try NPYArray(float32: [0, 1], shape: [2]).mask() }
    }
}

@Suite struct TableTests {
    @Test func csvFormatting() {
        var t = Table(columns: ["a", "b", "c", "d"])
        t.append([.int(3), .double(0.1), .text("x,y"), .empty])
        t.append([.int(-1), .double(2), .double(.nan), .double(1e-7)])
        #expect(t.csv == "a,b,c,d\n3,0.1,\"x,y\",\n-1,2,nan,1e-07\n")
    }

    @Test func sidecarPathAndAtomicWrite() throws {
        #expect(RunRecord.sidecarPath(for: "results/x.csv") == "results/x.json")
        let path = try TemporaryDirectory.path("sub/dir/t.csv")
        let t = Table(columns: ["p"], rows: [[.double(0.5)]])
        try t.write(to: path, record: RunRecord(seed: 3, generator: "mt19937", threads: 1,
                                                parameters: ["dim": "2"], wallSeconds: 0.1, started: Date()))
        #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == "p\n0.5\n")
        let json = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: RunRecord.sidecarPath(for: path))!) as! [String: Any]
        #expect(json["seed"] as? Int == 3)
        #expect(json["generator"] as? String == "mt19937")
    }
}

@Suite struct CheckpointTests {
    @Test func resumesFinishedUnitsAndIgnoresTornLine() throws {
        let output = try TemporaryDirectory.path("run.csv")
        do {
            let c = try Checkpoint<[Double]>(output: output, fingerprint: "f1")
            #expect(c.restored.isEmpty)
            c.record(index: 2, value: [1, 2])
            c.record(index: 0, value: [3])
        }
        // A torn line, as left by a kill mid-write.
        let h = FileHandle(forWritingAtPath: Checkpoint<[Double]>.path(forOutput: output))!
        h.seekToEndOfFile(); h.write(Data("{\"index\":5,\"val".utf8)); try h.close()
        let again = try Checkpoint<[Double]>(output: output, fingerprint: "f1")
        #expect(again.restored == [2: [1, 2], 0: [3]])
        again.record(index: 1, value: [4])
        let third = try Checkpoint<[Double]>(output: output, fingerprint: "f1")
        #expect(third.restored.count == 3)
        // A different fingerprint (other arguments) starts afresh.
        let other = try Checkpoint<[Double]>(output: output, fingerprint: "f2")
        #expect(other.restored.isEmpty)
        other.finish()
        #expect(!FileManager.default.fileExists(atPath: Checkpoint<[Double]>.path(forOutput: output)))
    }
}

@Suite struct ParallelMapTests {
    @Test func resultsInIndexOrderForAnyThreadCount() throws {
        let body: @Sendable (Int) throws -> UInt64 = { i in
            let rng = try RandomGenerator(seed: SeedSequence.derive(9, stream: "t", index: i))
            return (0..<100).reduce(0) { acc, _ in acc &+ UInt64(rng.next()) }
        }
        let one = try ParallelMap.map(count: 37, threads: 1, body)
        let three = try ParallelMap.map(count: 37, threads: 3, body)
        #expect(one == three)
    }

    @Test func skipsAndPropagatesErrors() throws {
        let r = try ParallelMap.run(count: 6, threads: 2, skip: { $0 % 2 == 0 }) { $0 * 10 }
        #expect(r == [nil, 10, nil, 30, nil, 50])
        #expect(throws: ModeLatticeError.self) {
            try ParallelMap.map(count: 10, threads: 2) { i -> Int in
                if i == 4 { throw ModeLatticeError.usage("boom") }
                return i
            }
        }
    }
}
