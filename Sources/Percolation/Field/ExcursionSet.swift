@preconcurrency import CGSL
import Support

/// Excursion sets of a field: the sites whose values are among the lowest fraction p, as a site
/// mask (1 = open). The count is exact, k = round(p·N) (halves away from zero), so every trial has
/// the same open fraction k/N; the threshold is the k-th smallest value t (GSL's quickselect,
/// `gsl_stats_select`), every site below t is open, and among sites equal to t the lowest indices
/// are opened until there are k. For a continuous field ties have probability 0 and the set is
/// {x : φ(x) ≤ t}; for iid values it is a uniformly random k-subset, the microcanonical ensemble
/// of site percolation at n = k (Newman & Ziff, PRE 64, 016706, 2001).
public enum ExcursionSet {
    /// k = round(p·N), for p in (0, 1).
    public static func openCount(fraction p: Double, sites: Int) throws -> Int {
        guard p > 0, p < 1 else {
            throw ModeLatticeError.usage("open fraction must lie in (0, 1) (got \(p))")
        }
        return Int((p * Double(sites)).rounded())
    }

    /// The mask of the `count` lowest values (ties by index), shape [N] like `values`.
    public static func lowest(_ values: [Double], count k: Int) throws -> [UInt8] {
        let n = values.count
        guard k >= 0, k <= n else {
            throw ModeLatticeError.usage("cannot open \(k) of \(n) sites")
        }
        var mask = [UInt8](repeating: 0, count: n)
        if k == 0 { return mask }
        guard values.allSatisfy({ !$0.isNaN }) else {
            throw ModeLatticeError.data("the field has NaN values; its excursion set is undefined")
        }
        var scratch = values
        let threshold = scratch.withUnsafeMutableBufferPointer { gsl_stats_select($0.baseAddress!, 1, n, k - 1) }
        var below = 0
        for x in 0..<n where values[x] < threshold {
            mask[x] = 1
            below += 1
        }
        var ties = k - below
        for x in 0..<n where ties > 0 && values[x] == threshold {
            mask[x] = 1
            ties -= 1
        }
        return mask
    }
}
