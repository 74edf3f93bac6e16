/// Sizes read from untrusted input (file headers, model specs) multiplied without trapping.
///
/// A tensor of shape (d₁, …, dₖ) has ∏ dᵢ elements (1 for k = 0). A header may claim any dᵢ up to
/// 2⁶⁴ − 1, so the product is formed with overflow checks and `nil` returned when it leaves
/// 0…`limit` (or any dᵢ is negative): the caller turns `nil` into a data error naming the shape.
public enum CheckedSize {
    /// ∏ `dimensions`, or nil if a dimension is negative or the product exceeds `limit`.
    public static func product<S: Sequence>(_ dimensions: S, limit: Int = .max) -> Int? where S.Element == Int {
        var result = 1
        var sawZero = false
        for d in dimensions {
            guard d >= 0 else { return nil }
            if d == 0 { sawZero = true; continue }
            let (m, overflow) = result.multipliedReportingOverflow(by: d)
            // With a zero dimension the product is 0 whatever the others are, but an absurd
            // dimension is still rejected: it is as implausible next to a zero as anywhere else.
            guard !overflow, m <= limit else { return nil }
            result = m
        }
        return sawZero ? 0 : result
    }

    /// `a · b`, or nil on overflow or beyond `limit` (both non-negative).
    public static func product(_ a: Int, _ b: Int, limit: Int = .max) -> Int? {
        product([a, b], limit: limit)
    }

    /// `a + b`, or nil on overflow or beyond `limit` (both non-negative).
    public static func sum(_ a: Int, _ b: Int, limit: Int = .max) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow || s > limit ? nil : s
    }
}
