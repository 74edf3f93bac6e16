import Dispatch

/// Splits independent pieces of one computation (per-image im2col, …) over ``BLAS/threads``
/// workers. Each index writes only its own output region, so the result never depends on the
/// worker count.
enum Workers {
    private struct Box<T>: @unchecked Sendable { let value: T }

    /// Calls `body(i)` for i in 0..<count, spread over the configured number of threads.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(BLAS.threads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = Box(value: body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < count {
                    box.value(i)
                    i += workers
                }
            }
        }
    }
}
