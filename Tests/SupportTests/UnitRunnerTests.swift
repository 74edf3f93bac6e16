import Foundation
import Testing
import TestSupport
@testable import Support

private final class Counter: @unchecked Sendable {
    private let lock = NSLockLite()
    private var value = 0
    func increment() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

@Suite struct UnitRunnerTests {
    @Test func interruptedRunResumesWithoutRecomputingFinishedUnits() throws {
        let output = try TemporaryDirectory.path("units.csv")
        let unit: @Sendable (Int) throws -> [Double] = { i in
            let rng = try RandomGenerator(seed: SeedSequence.derive(5, stream: "u", index: i))
            return [rng.uniform(), i % 7 == 0 ? .nan : Double(i)]
        }
        // First run dies at unit 12 (one thread, so units 0..<12 are finished and recorded).
        let first = try Checkpoint<[Double]>(output: output, fingerprint: "x")
        #expect(throws: ModeLatticeError.self) {
            _ = try UnitRunner.run(count: 30, threads: 1, checkpoint: first) { i in
                if i == 12 { throw ModeLatticeError.software("killed") }
                return try unit(i)
            }
        }
        let calls = Counter()
        let second = try Checkpoint<[Double]>(output: output, fingerprint: "x")
        #expect(second.restored.count == 12)
        let resumed = try UnitRunner.run(count: 30, threads: 2, checkpoint: second) { i in
            calls.increment()
            return try unit(i)
        }
        #expect(calls.count == 18)
        let fresh = try UnitRunner.run(count: 30, threads: 3) { try unit($0) }
        // Identical values (NaN compared by bit pattern) whether resumed or not, at any thread count.
        #expect(resumed.map { $0.map(\.bitPattern) } == fresh.map { $0.map(\.bitPattern) })
        second.finish()
    }
}
