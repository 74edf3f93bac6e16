import Foundation
import Support

/// Canonical expectations of a Newman–Ziff sweep at each p_k, averaged over independent trials,
/// with standard errors s/√T from the trial-to-trial spread (s the sample standard deviation;
/// NaN for a single trial). Trials are reduced in trial order, so the numbers do not depend on
/// how trials were spread over threads.
public struct SweepResult: Sendable {
    public let lattice: HypercubicLattice
    public let kind: PercolationKind
    public let probabilities: [Double]
    public let trials: Int
    /// Observables per p: see ``NewmanZiffSweep`` (six CSV quantities, then wrapping per axis).
    public let observableCount: Int
    /// Means and standard errors. Shape [K][observableCount].
    public let mean: [[Double]]
    public let standardError: [[Double]]

    /// The CSV contract of `modelattice percolation sweep`.
    public static let columns = [
        "p", "largest_fraction", "largest_fraction_se", "susceptibility", "susceptibility_se",
        "clusters_per_site", "clusters_per_site_se", "wrapping_any", "wrapping_any_se",
        "spanning", "spanning_se", "pair_connectivity", "pair_connectivity_se",
    ]

    /// Indices of the observables within a row of ``mean``.
    public enum Observable: Int, CaseIterable, Sendable {
        case largestFraction = 0, susceptibility, clustersPerSite, wrappingAny, spanning, pairConnectivity
    }

    public init(sweep: NewmanZiffSweep, perTrial: [[Double]]) {
        lattice = sweep.lattice
        kind = sweep.kind
        probabilities = sweep.probabilities
        trials = perTrial.count
        let m = sweep.observableCount
        observableCount = m
        let k = probabilities.count
        var mean = [[Double]](repeating: [Double](repeating: 0, count: m), count: k)
        var se = mean
        let t = Double(trials)
        for p in 0..<k {
            for o in 0..<m {
                var sum = 0.0
                for trial in perTrial { sum += trial[p * m + o] }
                let average = sum / t
                var squares = 0.0
                for trial in perTrial {
                    let deviation = trial[p * m + o] - average
                    squares += deviation * deviation
                }
                mean[p][o] = average
                se[p][o] = trials > 1 ? (squares / (t - 1) / t).squareRoot() : .nan
            }
        }
        self.mean = mean
        self.standardError = se
    }

    public func mean(_ observable: Observable, at index: Int) -> Double { mean[index][observable.rawValue] }
    public func standardError(_ observable: Observable, at index: Int) -> Double {
        standardError[index][observable.rawValue]
    }

    /// Probability that some cluster wraps along `axis` (periodic lattices only).
    public func wrapping(axis: Int, at index: Int) -> (mean: Double, standardError: Double)? {
        guard lattice.isPeriodic, axis >= 0, axis < lattice.dimension else { return nil }
        return (mean[index][6 + axis], standardError[index][6 + axis])
    }

    /// One row per p; wrapping is empty for open boundaries, spanning for periodic ones.
    public var table: Table {
        var table = Table(columns: SweepResult.columns)
        for (index, p) in probabilities.enumerated() {
            var row: [Cell] = [.double(p)]
            for observable in Observable.allCases {
                let applies: Bool
                switch observable {
                case .wrappingAny: applies = lattice.isPeriodic
                case .spanning: applies = !lattice.isPeriodic
                default: applies = true
                }
                if applies {
                    row.append(.double(mean(observable, at: index)))
                    row.append(.double(standardError(observable, at: index)))
                } else {
                    row.append(.empty)
                    row.append(.empty)
                }
            }
            table.append(row)
        }
        return table
    }
}
