import Foundation

/// Runs the independent units of a long computation (trials, networks, pairs, growth runs) with
/// everything a long run needs: threads, MPI ranks, resume from a checkpoint, and progress.
///
/// - Unit `i`'s value must depend only on `i` (seed it with ``SeedSequence``), so the result is
///   the same for any thread count and any number of ranks.
/// - With one process, units run on `threads` threads and each finished unit is appended to the
///   checkpoint at once.
/// - Under MPI, pending units are dealt round-robin to ranks in rounds; after each round every rank
///   receives every finished unit (``Ranks/allGather(_:)``), and rank 0 appends them to the
///   checkpoint. A killed run therefore loses at most the round in flight. Ranks with no unit in a
///   round still take part in its gather, so surplus ranks never hang.
/// - Values already in the checkpoint (read by rank 0 and broadcast) are not recomputed.
public enum UnitRunner {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    private struct Entry<T: Codable>: Codable { var index: Int; var value: T }

    public static func run<T: Codable & Sendable>(
        count: Int, threads: Int, checkpoint: Checkpoint<T>? = nil, progress: ProgressLine? = nil,
        _ body: @escaping @Sendable (Int) throws -> T
    ) throws -> [T] {
        var results = [T?](repeating: nil, count: count)
        var restored: [Int: T] = checkpoint?.restored ?? [:]
        if Ranks.isDistributed {
            let payload = try encoder().encode(restored.sorted { $0.key < $1.key }.map { Entry(index: $0.key, value: $0.value) })
            let shared = try Ranks.broadcast([UInt8](payload))
            restored = [:]
            for e in try decoder().decode([Entry<T>].self, from: Data(shared)) { restored[e.index] = e.value }
        }
        for (i, v) in restored where i >= 0 && i < count { results[i] = v }
        progress?.advance(restored.count)

        if !Ranks.isDistributed {
            let computed = try ParallelMap.run(
                count: count, threads: threads, skip: { restored[$0] != nil },
                done: { i, v in checkpoint?.record(index: i, value: v); progress?.advance() }, body)
            for i in 0..<count where results[i] == nil { results[i] = computed[i] }
            return results.map { $0! }
        }

        let pending = (0..<count).filter { results[$0] == nil }
        let round = max(Ranks.size * threads * 4, 1)
        var start = 0
        repeat {
            let slice = Array(pending[start..<min(start + round, pending.count)])
            let mine = slice.indices.filter { $0 % Ranks.size == Ranks.rank }.map { slice[$0] }
            let values = try ParallelMap.map(count: mine.count, threads: threads) { k in try body(mine[k]) }
            let payload = try encoder().encode(zip(mine, values).map { Entry(index: $0, value: $1) })
            for part in try Ranks.allGather([UInt8](payload)) {
                for e in try decoder().decode([Entry<T>].self, from: Data(part)) {
                    results[e.index] = e.value
                    checkpoint?.record(index: e.index, value: e.value)
                }
            }
            progress?.advance(slice.count)
            start += round
        } while start < pending.count
        return try results.enumerated().map { i, v in
            guard let v else { throw ModeLatticeError.software("unit \(i) was computed by no rank") }
            return v
        }
    }
}
