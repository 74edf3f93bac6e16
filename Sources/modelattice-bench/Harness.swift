import Foundation

/// Minimal benchmark harness: warm-up, then repeated timed runs; the median is reported.
enum Bench {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Median wall seconds of `body` over `runs` runs after `warmup` untimed ones.
    static func median(runs: Int = 5, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = now()
            try body()
            times.append(now() - t0)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// Prints one result line: name, our figure, the baseline's, and baseline/ours (speed-up).
    static func report(_ name: String, value: Double, baseline: Double, unit: String) {
        let padded = name.padding(toLength: max(48, name.count), withPad: " ", startingAt: 0)
        print(padded + String(format: " %10.2f ", value) + unit
              + String(format: "   baseline %10.2f ", baseline) + unit
              + String(format: "   speed-up x%.2f", baseline / value))
    }
}
