import Foundation
import Testing
import TestSupport
@testable import Percolation
import Support

/// Exact canonical and microcanonical averages on a tiny lattice by enumerating every
/// configuration (2^N site subsets or 2^M bond subsets) with the independent flood fill.
private struct ExactEnsemble {
    let micro: [[Double]]     // [M + 1][observables]: average over configurations with n elements
    let configurations: [(n: Int, values: [Double])]

    init(lattice: HypercubicLattice, kind: PercolationKind) {
        let m = kind == .site ? lattice.siteCount : ReferenceClusters.edges(lattice).count
        var sums = [[Double]](repeating: [], count: m + 1)
        var counts = [Int](repeating: 0, count: m + 1)
        var configurations: [(Int, [Double])] = []
        for bits in 0..<(1 << m) {
            let chosen = (0..<m).map { bits & (1 << $0) != 0 }
            let reference = kind == .site ? ReferenceClusters(site: chosen, lattice: lattice)
                                          : ReferenceClusters(bonds: chosen, lattice: lattice)
            let values = reference.observables(sites: lattice.siteCount, periodic: lattice.isPeriodic)
            let n = chosen.filter { $0 }.count
            sums[n] = sums[n].isEmpty ? values : zip(sums[n], values).map { $0 + $1 }
            counts[n] += 1
            configurations.append((n, values))
        }
        micro = (0...m).map { n in sums[n].map { $0 / Double(counts[n]) } }
        self.configurations = configurations
    }

    /// Σ_configurations p^n (1 − p)^(M − n) Q(configuration).
    func canonical(p: Double) -> [Double] {
        let m = micro.count - 1
        var out = [Double](repeating: 0, count: micro[0].count)
        for (n, values) in configurations {
            let weight = pow(p, Double(n)) * pow(1 - p, Double(m - n))
            for o in out.indices { out[o] += weight * values[o] }
        }
        return out
    }
}

@Suite struct SweepTests {
    static let probabilities = [0.0, 0.2, 0.45, 0.5927, 0.8, 1.0]

    /// The convolution of the EXACT microcanonical averages equals the exact canonical average
    /// (checks the binomial weights and windows), and the sweep's canonical estimate over many
    /// trials agrees with it within its own standard error.
    @Test(arguments: [("site", "open"), ("site", "periodic"), ("bond", "open")])
    func canonicalAveragesMatchExactEnumeration(kind: String, boundary: String) throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 3, boundary: HypercubicLattice.Boundary(rawValue: boundary)!)
        let kind = PercolationKind(rawValue: kind)!
        let exact = ExactEnsemble(lattice: lattice, kind: kind)
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: kind, probabilities: SweepTests.probabilities, seed: 5)
        #expect(sweep.additions == exact.micro.count - 1)
        let observables = sweep.observableCount
        for o in 0..<observables {
            let convolved = sweep.convolution.canonical(exact.micro.map { $0[o] })
            for (k, p) in SweepTests.probabilities.enumerated() {
                #expect(abs(convolved[k] - exact.canonical(p: p)[o]) < 1e-12, "observable \(o) p=\(p)")
            }
        }
        let result = try sweep.run(trials: 3000, threads: 2)
        for (k, p) in SweepTests.probabilities.enumerated() {
            let truth = exact.canonical(p: p)
            for o in 0..<observables {
                let error = abs(result.mean[k][o] - truth[o])
                #expect(error <= 5 * result.standardError[k][o] + 1e-12,
                        "\(lattice) \(kind) observable \(o) p=\(p): \(result.mean[k][o]) ± \(result.standardError[k][o]) vs exact \(truth[o])")
            }
        }
    }

    /// After every addition n, the sweep's microcanonical observables equal the flood fill of the
    /// first n elements of the same order: sweep, labeling and reference agree configuration by
    /// configuration (site and bond, periodic and open, 1–4 dimensions, both union-find layouts).
    @Test func microcanonicalSeriesMatchesFloodFillOfEachPrefix() throws {
        let cases: [(Int, Int)] = [(1, 6), (2, 2), (2, 5), (2, 7), (3, 3), (3, 4), (4, 2)]
        for (d, side) in cases {
            for boundary in HypercubicLattice.Boundary.allCases {
                for kind in PercolationKind.allCases {
                    let lattice = try HypercubicLattice(dimension: d, side: side, boundary: boundary)
                    var sweep = try NewmanZiffSweep(lattice: lattice, kind: kind, probabilities: [0.5], seed: 3)
                    // Default layout, 8-byte words, and the narrowest winding lanes (2 bits).
                    let layouts: [ForestLayout?] = boundary == .periodic
                        ? [nil, .wide(windingBits: 9), .narrow(windingBits: 2)] : [nil, .wide(windingBits: 0)]
                    for layout in layouts {
                        sweep.layout = layout
                        for trial in 0..<2 {
                            let series = try sweep.microcanonicalTrial(trial)
                            let order = try sweep.additionOrder(trial: trial)
                            #expect(series.count == order.count + 1)
                            var chosen = [Bool](repeating: false, count: lattice.siteCount)
                            var edges: [(Int, Int, Int, Int)] = []
                            for n in 0...order.count {
                                if n > 0 {
                                    let e = Int(order[n - 1])
                                    if kind == .site { chosen[e] = true } else {
                                        let i = e / d, a = e % d
                                        edges.append((i, lattice.neighbour(of: i, axis: a, step: 1)!.site, a, 1))
                                    }
                                }
                                let reference = kind == .site
                                    ? ReferenceClusters(site: chosen, lattice: lattice)
                                    : ReferenceClusters(present: Array(repeating: true, count: lattice.siteCount), edges: edges, lattice: lattice)
                                let expected = reference.observables(sites: lattice.siteCount, periodic: lattice.isPeriodic)
                                for o in expected.indices {
                                    #expect(abs(series[n][o] - expected[o]) < 1e-12, "\(lattice) \(kind) n=\(n) observable \(o)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The site loop specialised for d = 2 and 3 (``SiteSweep``) on lattices large enough for
    /// long union-find paths, path compression over two steps and many windings: its
    /// microcanonical observables equal the independent flood fill at 17 checkpoints of the order
    /// (n = k·N/16), periodic and open, two trials each.
    @Test(arguments: [(2, 48), (3, 12)])
    func specialisedSiteLoopMatchesFloodFillOnLargerLattices(d: Int, side: Int) throws {
        for boundary in HypercubicLattice.Boundary.allCases {
            let lattice = try HypercubicLattice(dimension: d, side: side, boundary: boundary)
            let sweep = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: [0.5], seed: 11)
            for trial in 0..<2 {
                let series = try sweep.microcanonicalTrial(trial)
                let order = try sweep.additionOrder(trial: trial)
                let n = lattice.siteCount
                var chosen = [Bool](repeating: false, count: n)
                var added = 0
                for k in 0...16 {
                    let target = k * n / 16
                    while added < target { chosen[Int(order[added])] = true; added += 1 }
                    let expected = ReferenceClusters(site: chosen, lattice: lattice).observables(sites: n, periodic: lattice.isPeriodic)
                    for o in expected.indices {
                        #expect(abs(series[target][o] - expected[o]) < 1e-12, "\(lattice) trial \(trial) n=\(target) observable \(o)")
                    }
                }
            }
        }
    }

    /// The streamed canonical averages of a trial (records only in the binomial windows, by runs
    /// of n) equal, bit for bit, the convolution of that trial's whole microcanonical series (the
    /// same products summed in the same order of n): overlapping windows, windows at n = 0 and
    /// n = M (p = 0 and 1), the gaps between windows, site and bond, open and periodic, d = 1–5.
    @Test func streamedCanonicalEqualsConvolvedSeriesBitForBit() throws {
        let cases: [(HypercubicLattice, PercolationKind, [Double])] = [
            (try HypercubicLattice(dimension: 2, side: 16, boundary: .periodic), .site,
             try NewmanZiffSweep.probabilities(points: 41, pmin: 0.2, pmax: 0.8)),
            (try HypercubicLattice(dimension: 2, side: 40, boundary: .periodic), .site, [0, 0.3, 0.59, 0.9, 1]),
            (try HypercubicLattice(dimension: 3, side: 5, boundary: .open), .site,
             try NewmanZiffSweep.probabilities(points: 11, pmin: 0, pmax: 1)),
            (try HypercubicLattice(dimension: 3, side: 5, boundary: .open), .bond, [0.1, 0.25, 0.5]),
            (try HypercubicLattice(dimension: 2, side: 12, boundary: .periodic), .bond, [1, 0]),
            // Every shape of the canonical sink's record: 7, 9 and 10 observables (periodic d = 1,
            // 3, 4: the register path with an odd tail or a fifth pair) and 11 (d = 5: the path
            // through the values buffer).
            (try HypercubicLattice(dimension: 1, side: 64, boundary: .periodic), .site, [0.5, 0.9, 0.99]),
            (try HypercubicLattice(dimension: 3, side: 8, boundary: .periodic), .site, [0.2, 0.3116, 0.5]),
            (try HypercubicLattice(dimension: 4, side: 4, boundary: .periodic), .site, [0.1, 0.197, 0.4]),
            (try HypercubicLattice(dimension: 5, side: 3, boundary: .periodic), .site, [0.1, 0.141, 0.3]),
        ]
        for (lattice, kind, probabilities) in cases {
            let sweep = try NewmanZiffSweep(lattice: lattice, kind: kind, probabilities: probabilities, seed: 5)
            let m = sweep.observableCount
            for trial in 0..<2 {
                let streamed = try sweep.canonicalTrial(trial)
                let series = try sweep.microcanonicalTrial(trial)
                for o in 0..<m {
                    let convolved = sweep.convolution.canonical(series.map { $0[o] })
                    for k in probabilities.indices {
                        #expect(streamed[k * m + o] == convolved[k], "\(lattice) \(kind) p=\(probabilities[k]) observable \(o)")
                    }
                }
            }
        }
    }

    /// Square-lattice torus at p_c (site 0.59274621, bond 1/2 exactly): wrapping along any axis
    /// 0.690473725 and along one given axis 0.521058290 (Pinson 1994; Newman & Ziff 2001; the
    /// values are universal, the same for site and bond), within 4 standard errors at L = 64.
    @Test(arguments: [(PercolationKind.site, 0.59274621), (PercolationKind.bond, 0.5)])
    func wrappingProbabilityAtCriticalPointIsUniversal(kind: PercolationKind, threshold: Double) throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 64, boundary: .periodic)
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: kind, probabilities: [threshold], seed: 2026)
        let result = try sweep.run(trials: kind == .site ? 6000 : 4000, threads: 2)
        let any = result.mean(.wrappingAny, at: 0), anyError = result.standardError(.wrappingAny, at: 0)
        #expect(abs(any - 0.690473725) < 4 * anyError, "R_any = \(any) ± \(anyError)")
        #expect(anyError < 0.01)
        for axis in 0..<2 {
            let (mean, error) = result.wrapping(axis: axis, at: 0)!
            #expect(abs(mean - 0.521058290) < 4 * error, "R_axis\(axis) = \(mean) ± \(error)")
        }
    }

    @Test func identicalTablesForOneAndTwoThreads() throws {
        for (lattice, kind) in [(try HypercubicLattice(dimension: 2, side: 16, boundary: .periodic), PercolationKind.site),
                                (try HypercubicLattice(dimension: 3, side: 5, boundary: .open), PercolationKind.bond)] {
            let sweep = try NewmanZiffSweep(lattice: lattice, kind: kind,
                                            probabilities: try NewmanZiffSweep.probabilities(points: 9, pmin: 0.1, pmax: 0.9), seed: 77)
            let one = try sweep.run(trials: 13, threads: 1).table.csv
            let two = try sweep.run(trials: 13, threads: 2).table.csv
            #expect(one == two)
            #expect(one.hasPrefix(SweepResult.columns.joined(separator: ",") + "\n"))
        }
    }

    /// An interrupted run (a checkpoint holding some finished trials) resumes to the same numbers
    /// as an uninterrupted one, computing only the missing trials.
    @Test func resumesFromCheckpointToTheSameResult() throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 12, boundary: .open)
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: [0.3, 0.6], seed: 9)
        let output = try TemporaryDirectory.path("out.csv", tag: "perc-resume")
        let first = try Checkpoint<[Double]>(output: output, fingerprint: "test")
        let full = try sweep.run(trials: 10, threads: 2, checkpoint: first)
        // Keep the header and four finished trials, as if the run had been stopped.
        let path = Checkpoint<[Double]>.path(forOutput: output)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 11)
        try (lines.prefix(5).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let second = try Checkpoint<[Double]>(output: output, fingerprint: "test")
        #expect(second.restored.count == 4)
        let resumed = try sweep.run(trials: 10, threads: 2, checkpoint: second)
        #expect(resumed.table.csv == full.table.csv)
        // Only the six missing trials were computed (and appended).
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 11)
        second.finish()
        // A checkpoint from another sweep (wrong width) is refused as bad data.
        let other = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: [0.3], seed: 9)
        let third = try Checkpoint<[Double]>(output: output, fingerprint: "test")
        _ = try sweep.run(trials: 2, threads: 1, checkpoint: third)
        let fourth = try Checkpoint<[Double]>(output: output, fingerprint: "test")
        #expect(throws: ModeLatticeError.data("checkpoint '\(path)' holds a trial 0 that does not belong to this sweep; delete it")) {
            try other.run(trials: 2, threads: 1, checkpoint: fourth)
        }
        fourth.finish()
    }

    @Test func rejectsBadSweepParameters() throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 4, boundary: .open)
        for (points, low, high) in [(0, 0.1, 0.2), (3, -0.1, 0.5), (3, 0.2, 1.5), (3, 0.7, 0.3)] {
            #expect(throws: ModeLatticeError.self) { try NewmanZiffSweep.probabilities(points: points, pmin: low, pmax: high) }
        }
        let grid = try NewmanZiffSweep.probabilities(points: 5, pmin: 0.2, pmax: 0.6)
        let formula: [Double] = (0..<5).map { (i: Int) -> Double in 0.2 + Double(i) * (0.6 - 0.2) / 4.0 }
        #expect(grid == formula)
        #expect(grid.first == 0.2 && grid.last == 0.6)
        #expect(try NewmanZiffSweep.probabilities(points: 1, pmin: 0.3, pmax: 0.3) == [0.3])
        #expect(throws: ModeLatticeError.self) { try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: [0.5], seed: 1, generator: "nope") }
        let sweep = try NewmanZiffSweep(lattice: lattice, kind: .site, probabilities: [0.5], seed: 1)
        #expect(throws: ModeLatticeError.self) { try sweep.run(trials: 0, threads: 1) }
        let huge = try HypercubicLattice(dimension: 2, side: 46340, boundary: .periodic)
        #expect(throws: ModeLatticeError.self) { try NewmanZiffSweep(lattice: huge, kind: .bond, probabilities: [0.5], seed: 1) }
    }
}

@Suite struct BinomialConvolutionTests {
    /// Weights against the binomial pdf from lgamma (independent of GSL), normalisation, and the
    /// first two moments for M up to 2^31 − 1, where a direct pdf would underflow.
    @Test func weightsAreTheBinomialDistribution() {
        let m = 1000
        let plan = BinomialConvolution(additions: m, probabilities: [0.001, 0.3, 0.5, 0.97])
        for (k, p) in plan.probabilities.enumerated() {
            var total = 0.0
            for n in plan.windowStart[k]...plan.windowEnd[k] {
                let w = plan.weights[plan.weightBase[k] + n]
                total += w
                let logPdf = lgamma(Double(m + 1)) - lgamma(Double(n + 1)) - lgamma(Double(m - n + 1))
                    + Double(n) * log(p) + Double(m - n) * log1p(-p)
                let pdf = exp(logPdf)
                if pdf > 1e-10 { #expect(abs(w / pdf - 1) < 1e-9, "p=\(p) n=\(n)") }
            }
            #expect(abs(total - 1) < 1e-14)
        }
        for m in [1 << 20, Int(Int32.max)] {
            let p = 0.5927
            let plan = BinomialConvolution(additions: m, probabilities: [p])
            var sum = 0.0, mean = 0.0, second = 0.0
            for n in plan.windowStart[0]...plan.windowEnd[0] {
                let w = plan.weights[plan.weightBase[0] + n]
                sum += w
                mean += w * Double(n)
            }
            for n in plan.windowStart[0]...plan.windowEnd[0] {
                let x = Double(n) - mean
                second += plan.weights[plan.weightBase[0] + n] * x * x
            }
            #expect(abs(sum - 1) < 1e-12)
            #expect(abs(mean / (Double(m) * p) - 1) < 1e-12)
            #expect(abs(second / (Double(m) * p * (1 - p)) - 1) < 1e-6)
        }
    }
}

