import Connectivity
import Foundation
import NetworkCore
import Support
import Testing
import TestSupport
@testable import Experiments

/// Runs an experiment's units and products in-process on a ready setup (data that no
/// ``DataSource`` names, such as a small Gaussian mixture of 16-dimensional points).
func runUnits<E: Experiment>(_ e: E, _ c: E.Configuration, _ setup: E.Setup, seed: UInt64) throws -> (ExperimentProducts, [E.UnitResult]) {
    let settings = RunSettings(seed: seed, threads: 1)
    let units = try e.units(c, setup)
    let results = try units.enumerated().map { try e.run($0.element, index: $0.offset, c, setup, settings) }
    return (try e.products(results, c, setup, settings), results)
}

func doubles(_ t: Table, _ column: String) -> [Double] {
    let k = t.columns.firstIndex(of: column)!
    return t.rows.map { if case .double(let v) = $0[k] { v } else { .nan } }
}

@Suite struct ParameterStarExperimentTests {
    /// Three minima of a small MLP on a 4-class Gaussian mixture, and the setup the experiments share.
    static func mixtureMinima() throws -> TrainedMinima {
        let train = try GaussianMixture.make(classes: 4, shape: [16], count: 800, sigma: 1.2, seed: 21)
        let test = try GaussianMixture.make(classes: 4, shape: [16], count: 400, sigma: 1.2, seed: 21, split: 1)
        let nets = try MinimaTraining.minima(spec: "mlp:16-24-24-4", count: 3, train: train,
                                             training: TrainingConfiguration(epochs: 30, batchSize: 32, learningRate: 1e-2, seed: 8),
                                             directory: nil)
        return TrainedMinima(minima: nets.map(\.parameters), template: nets[0], train: train,
                             evaluator: StarPathEvaluator(template: nets[0], train: train, test: test))
    }

    static func configuration(steps: Int, points: Int) -> ParameterStarExperiment.Configuration {
        var c = ParameterStarExperiment.Configuration()
        c.minima.batchSize = 64
        c.center.steps = steps
        c.center.lr = 2e-3
        c.points = points
        return c
    }

    /// On a small Gaussian-mixture MLP, the shared star center lowers every two-piece barrier
    /// well below the direct barrier of the same pair.
    @Test func starCenterLowersBarriersOnTrainedMLP() throws {
        var c = Self.configuration(steps: 1500, points: 21)
        c.center.trace = false
        let (products, _) = try runUnits(ParameterStarExperiment(), c, try Self.mixtureMinima(), seed: 2)
        let table = try #require(products.tables["table"])
        #expect(table.rows.count == 3 && table.columns == ParameterStarExperiment.columns)
        for (direct, center) in zip(doubles(table, "direct_barrier"), doubles(table, "center_barrier")) {
            #expect(direct > 0.05, "direct barrier \(direct) too small for the test to mean anything")
            #expect(center < 0.6 * direct, "center barrier \(center) vs direct \(direct)")
        }
        #expect(doubles(table, "geodesic_bound").allSatisfy { $0 >= 1 })
    }

    /// The checkpoint measurement and the final path table are two code paths over the same
    /// spokes: at the final center with Q = P they must agree on max barrier, min accuracy and
    /// max G; Ĵ is the trapezoid mean of the spoke losses.
    @Test func checkpointAgreesWithFinalTable() throws {
        var c = Self.configuration(steps: 300, points: 9)
        c.center.checkEvery = 300
        c.center.checkPoints = 9
        c.saveCenter = true
        let setup = try Self.mixtureMinima()
        let (products, results) = try runUnits(ParameterStarExperiment(), c, setup, seed: 2)
        let table = try #require(products.tables["table"]), trace = try #require(products.tables["trace"])
        #expect(trace.columns == StarCheckpoint.traceColumns)
        #expect(trace.rows.count == 2)   // steps 0 and 300
        guard let last = trace.rows.last, case .int(300) = last[2],
              case .double(let barrier) = last[7], case .double(let accuracy) = last[8], case .double(let g) = last[9] else {
            Issue.record("bad trace \(trace.rows)"); return
        }
        #expect(abs(barrier - doubles(table, "center_barrier").max()!) < 1e-12)
        #expect(accuracy == doubles(table, "center_min_accuracy").min()!)
        #expect(abs(g - doubles(table, "geodesic_bound").max()!) < 1e-9)
        // G from the path's own geometry.
        let center = try #require(results[0].center)
        let minima = setup.minima
        let path = ParameterPath.twoPiece(minima[0], via: center, minima[1])
        #expect(doubles(table, "geodesic_bound")[0] == path.lengthRatio)
        #expect(doubles(table, "two_piece_length")[0] == path.length)
        let evaluator = setup.evaluator
        let m = StarCheckpoint.measure(evaluator: evaluator, minima: minima, center: center, lambda: 0.5, points: 3)
        let mid = minima.map { evaluator.evaluate(ParameterPath<Float>.interpolate($0, center, 0.5)).trainLoss }
        let ends = minima.map { evaluator.evaluate($0).trainLoss }
        let pull = minima.map { 0.5 * pow(ParameterPath<Float>.distance($0, center), 2) }
        let centerLoss = evaluator.evaluate(center).trainLoss
        let expected = zip(zip(mid, ends), pull).map { 0.25 * $0.1 + 0.5 * $0.0 + 0.25 * centerLoss + $1 }
        #expect(abs(m.objective - expected.reduce(0, +) / Double(minima.count)) < 1e-9)
        #expect(results[0].steps == 300 && !results[0].converged)
        #expect(products.files["center"] != nil)
    }

    static func tinyMinima(_ directory: String) -> MinimaConfiguration {
        var m = MinimaConfiguration()
        m.data = DataSource(dataset: .synthetic)
        m.arch = "mlp:784-16-10"
        m.count = 3
        m.epochs = 1
        m.batchSize = 32
        m.trainSubset = 300
        m.evalTrain = 100
        m.evalTest = 100
        m.directory = directory
        return m
    }

    /// Through the runner at a tiny size: the pairs, distances equal to those of the saved minima
    /// (an independent read), G = length/distance, profiles for every segment, a trace for both
    /// centers, and the same tables at 1 and 2 threads.
    @Test func tinyStarThroughTheRunner() throws {
        let dir = try TemporaryDirectory.make("params-star")
        var c = ParameterStarExperiment.Configuration()
        c.minima = Self.tinyMinima(dir + "/minima")
        c.points = 5
        c.center.steps = 20
        c.center.checkEvery = 10
        c.center.checkPoints = 3
        c.heldOut = true
        let outputs = ExperimentOutputs(["table": dir + "/s.csv", "profiles": dir + "/p.csv", "trace": dir + "/t.csv"])
        try ExperimentRunner.run(ParameterStarExperiment(), c, outputs: outputs, settings: RunSettings(seed: 4, threads: 2))
        let table = try String(contentsOfFile: dir + "/s.csv", encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.map { [$0[0], $0[1]] } == [["0", "1"], ["0", "2"], ["1", "2"]])
        let minima = try (0..<3).map { try ModelFile.load(dir + "/minima/" + MinimaTraining.fileName($0)).parameters }
        for row in rows {
            let (i, j) = (Int(row[0])!, Int(row[1])!)
            #expect(Double(row[2])! == ParameterPath<Float>.distance(minima[i], minima[j]))
            #expect(Double(row[8])! == Double(row[7])! / Double(row[2])!)
            #expect(Double(row[8])! >= 1)
        }
        let profiles = try String(contentsOfFile: dir + "/p.csv", encoding: .utf8).split(separator: "\n")
        // 3 spokes + 3 direct + 2 held-out-trained + 1 held-out, 2 splits, 5 points.
        #expect(profiles.count == 1 + 9 * 2 * 5)
        let trace = try String(contentsOfFile: dir + "/t.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(trace.map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
                == ["shared,0,0", "shared,0,10", "shared,0,20", "held-out,0,0", "held-out,0,10", "held-out,0,20"])
        // One thread, minima reused from the directory: identical tables.
        try ExperimentRunner.run(ParameterStarExperiment(), c, outputs: outputs.renamed(dir + "/one"), settings: RunSettings(seed: 4, threads: 1))
        #expect(try String(contentsOfFile: dir + "/one-s.csv", encoding: .utf8) == table)
        #expect(try String(contentsOfFile: dir + "/one-t.csv", encoding: .utf8) == String(contentsOfFile: dir + "/t.csv", encoding: .utf8))
    }

    /// Geodesic units through the runner: one row per (pair, λ) in order; a strong pull toward
    /// both minima (large λ) gives a shorter path than λ = 0 (the trade-off of Table 2).
    @Test func tinyGeodesicThroughTheRunner() throws {
        let dir = try TemporaryDirectory.make("params-geodesic")
        var c = ParameterGeodesicExperiment.Configuration()
        c.minima = Self.tinyMinima(dir + "/minima")
        c.points = 5
        c.lambdas = [0, 1]
        c.pairs = 2
        c.center.steps = 40
        c.center.checkEvery = 10
        c.center.checkPoints = 3
        try ExperimentRunner.run(ParameterGeodesicExperiment(), c, outputs: ExperimentOutputs(["table": dir + "/g.csv", "trace": dir + "/t.csv"]),
                                 settings: RunSettings(seed: 4, threads: 2))
        let rows = try String(contentsOfFile: dir + "/g.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        #expect(rows.map { $0.prefix(3).joined(separator: ",") } == ["0,1,0", "0,1,1", "0,2,0", "0,2,1"])
        for k in [0, 2] {
            let free = Double(rows[k][5])!, pulled = Double(rows[k + 1][5])!
            #expect(free >= 1 && pulled >= 1)
            #expect(pulled < free, "G at λ = 1 (\(pulled)) vs λ = 0 (\(free))")
        }
        let trace = try String(contentsOfFile: dir + "/t.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(Set(trace.map { String($0.split(separator: ",")[0]) }) == ["0-1", "0-2"])
    }
}

extension ExperimentOutputs {
    /// The same roles written to PREFIX-NAME (for a second run beside the first).
    func renamed(_ prefix: String) -> ExperimentOutputs {
        ExperimentOutputs(paths.mapValues { prefix + "-" + ($0 as NSString).lastPathComponent })
    }
}
