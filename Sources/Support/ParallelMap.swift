import Foundation

/// Runs independent units of work on a fixed number of threads and returns their results in index
/// order. Units are handed out by a shared counter, and each unit's result depends only on its
/// index (its seed comes from ``SeedSequence``), so the output is identical for any thread count.
public enum ParallelMap {
    /// Threads to use when the user gives none: the machine's active processor count.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Computes `body(i)` for every `i` in `0..<count` that `skip` does not exclude, on `threads`
    /// threads, calling `done(i, value)` (serialized) as each finishes. The first error thrown
    /// stops the hand-out of new units and is rethrown.
    public static func run<T: Sendable>(
        count: Int, threads: Int, skip: (Int) -> Bool = { _ in false },
        done: @escaping @Sendable (Int, T) -> Void = { _, _ in },
        _ body: @escaping @Sendable (Int) throws -> T
    ) throws -> [T?] {
        let pending = (0..<count).filter { !skip($0) }
        let box = ResultBox<T>(count: count)
        let workers = max(1, min(threads, pending.count))
        if workers <= 1 {
            for i in pending {
                let v = try body(i)
                box.results[i] = v
                done(i, v)
            }
            return box.results
        }
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    guard let k = box.nextIndex(limit: pending.count) else { return }
                    let i = pending[k]
                    do {
                        let v = try body(i)
                        box.store(i, v, then: done)
                    } catch {
                        box.fail(error)
                        return
                    }
                }
            }
        }
        group.wait()
        // Read under the lock the workers wrote under, so the ordering does not rest on
        // DispatchGroup alone.
        let (results, error) = box.finished()
        if let error { throw error }
        return results
    }

    /// `run` for when every unit is computed: results as a plain array.
    public static func map<T: Sendable>(count: Int, threads: Int,
                                        _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        try run(count: count, threads: threads, body).map { $0! }
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var results: [T?]
    var error: Error?
    private var next = 0
    private let lock = NSLockLite()
    private let doneLock = NSLockLite()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func nextIndex(limit: Int) -> Int? {
        lock.withLock {
            guard error == nil, next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }

    /// Stores unit `i`'s value, then calls `done` with it, serialized with every other `done`
    /// call (under its own lock, so hand-out of new units goes on meanwhile).
    func store(_ i: Int, _ v: T, then done: (Int, T) -> Void) {
        lock.withLock { results[i] = v }
        doneLock.withLock { done(i, v) }
    }
    func fail(_ e: Error) { lock.withLock { if error == nil { error = e } } }
    func finished() -> ([T?], Error?) { lock.withLock { (results, error) } }
}
