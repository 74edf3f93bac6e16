/// Means and proportions with their standard errors.
public enum SampleStatistics {
    /// p̂ and the binomial standard error √(p̂(1−p̂)/n).
    public static func proportion(_ flags: [Bool]) -> (p: Double, se: Double) {
        guard !flags.isEmpty else { return (.nan, .nan) }
        let n = Double(flags.count)
        let p = Double(flags.filter { $0 }.count) / n
        return (p, (p * (1 - p) / n).squareRoot())
    }

    /// Mean and sd/√n (NaN when empty; stderr NaN for one value).
    public static func mean(_ values: [Double]) -> (mean: Double, se: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        guard values.count > 1 else { return (mean, .nan) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }
}
