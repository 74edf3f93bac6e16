import Connectivity
@testable import Experiments
import Foundation
import NetworkCore
import Support
import Testing

/// The input-space experiments run in-process through ``ExperimentRunner`` at tiny sizes, on a
/// small MLP trained two epochs on the synthetic Gaussian mixture.
@Suite(.serialized) struct InputSpaceExperimentTests {
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "input-experiments-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// mlp:784-32-10 trained two epochs (seed 1) and saved; its path.
    static let model: String = {
        let path = directory + "/mlp.safetensors"
        do {
            var net = try Sequential.random(spec: "mlp:784-32-10", initialization: .pytorchDefault, seed: 1)
            let data = try DataSource(dataset: .synthetic).load(.train)
            _ = try Training.train(&net, on: data, configuration: TrainingConfiguration(epochs: 2, seed: 1))
            try ModelFile.save(net, to: path)
        } catch { Issue.record("fixture: \(error)") }
        return path
    }()

    static let network = NetworkSource(model: model)
    static let data = DataSource(dataset: .synthetic)

    /// The rows of a CSV file (header first), split at commas.
    func csv(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func settings(seed: UInt64, threads: Int = 2) -> RunSettings { RunSettings(seed: seed, generator: "mt19937", threads: threads) }

    @Test func pairsMatchAnIndependentBarrierAndDoNotDependOnThreads() throws {
        var c = InputPairsExperiment.Configuration()
        (c.network, c.data, c.pairs, c.points, c.bypass) = (Self.network, Self.data, 5, 20, true)
        c.bypassSettings.pointsPerSegment = 20
        let out = Self.directory + "/pairs.csv", profiles = Self.directory + "/pairs_profiles.csv"
        try ExperimentRunner.run(InputPairsExperiment(), c, outputs: ExperimentOutputs(["table": out, "profiles": profiles]),
                                 settings: settings(seed: 3))
        let rows = try csv(out)
        #expect(rows[0] == InputPairsExperiment.columns)
        #expect(rows.count == 6)
        for f in rows.dropFirst() {
            let (la, lc, top, gap) = (Double(f[3])!, Double(f[4])!, Double(f[5])!, Double(f[6])!)
            #expect(gap == top - max(la, lc) && gap >= 0)
            #expect(Double(f[7])! <= top && Double(f[7])! >= max(la, lc) - 1e-12)   // bent path: not above the straight one
        }
        // Pair 0 recomputed by hand: its class, endpoints and straight-path barrier.
        let images = try CorrectlyClassifiedImages.load(network: Self.network, data: Self.data, settings: settings(seed: 3))
        let classes = images.usableClasses(minimum: 2)
        let rng = try RandomGenerator(algorithm: "mt19937", seed: SeedSequence.derive(3, stream: "input-pairs", index: 0))
        let a = images.randomImage(of: classes[0], rng: rng)
        let b = images.randomImage(of: classes[0], rng: rng, excluding: [a])
        let barrier = try images.classifier.linearBarrier(from: images.image(a), to: images.image(b), target: classes[0], points: 20).barrier
        #expect(rows[1][1] == String(classes[0]))
        #expect(Double(rows[1][5])! == barrier.barrierMax && Double(rows[1][3])! == barrier.lossA)
        #expect(try csv(profiles).filter { $0[1] == "linear" }.count == 5 * 20)
        // One thread: the same bytes.
        try ExperimentRunner.run(InputPairsExperiment(), c, outputs: ExperimentOutputs(table: Self.directory + "/pairs1.csv"),
                                 settings: settings(seed: 3, threads: 1))
        #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: Self.directory + "/pairs1.csv"))
    }

    /// Image strips (issue 14 item 6): the pairs with the largest straight gaps, their images
    /// recomputed from the pairs' seeds: A and C give the table's endpoint losses, B the barrier.
    @Test func imageStripsRecomputeTheLargestGapPairs() throws {
        var c = InputPairsExperiment.Configuration()
        (c.network, c.data, c.pairs, c.points, c.bypass, c.imageStrips) = (Self.network, Self.data, 6, 20, true, 2)
        c.bypassSettings.pointsPerSegment = 20
        let out = Self.directory + "/strip_pairs.csv", strips = Self.directory + "/strips.csv", npy = Self.directory + "/strips.npy"
        try ExperimentRunner.run(InputPairsExperiment(), c, outputs: ExperimentOutputs(["table": out, "strips": strips, "strip_images": npy]),
                                 settings: settings(seed: 5))
        let rows = try csv(out).dropFirst().map { $0 }
        let gaps = rows.map { Double($0[6])! }
        let chosen = ImageStrip.largestGaps(gaps, count: 2)
        #expect(chosen.count == 2 && gaps[chosen[0]] >= gaps[chosen[1]] && gaps.allSatisfy { $0 <= gaps[chosen[0]] })
        let info = try csv(strips)
        #expect(info[0] == ImageStrip.columns && info.count == 1 + 2 * 4)
        for (j, pair) in chosen.enumerated() {
            let r = Array(info[(1 + 4 * j)...(4 + 4 * j)])
            #expect(r.map { $0[0] } == Array(repeating: String(pair), count: 4) && r.map { $0[2] } == ImageStrip.imageNames)
            #expect(r[0][1] == rows[pair][1])
            func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-6 * max(1, abs(y)) }
            #expect(close(Double(r[0][3])!, Double(rows[pair][3])!) && close(Double(r[3][3])!, Double(rows[pair][4])!))
            #expect(close(Double(r[1][3])!, Double(rows[pair][5])!))            // B is the straight path's argmax
            #expect(r[0][4] == rows[pair][1] && r[3][4] == rows[pair][1])      // real endpoints are correctly classified
        }
        let images = try NPYArray.read(from: npy)
        #expect(images.shape == [2, 4, 1, 28, 28] && images.dtype == .float32)
    }

    @Test func adversarialRowsShareTheirReference() throws {
        var c = InputAdversarialExperiment.Configuration()
        (c.network, c.data, c.attack, c.pairs, c.points) = (Self.network, Self.data, .pgd, 4, 16)
        c.attackSettings.epsilon = 0.5
        let out = Self.directory + "/adv.csv"
        try ExperimentRunner.run(InputAdversarialExperiment(), c, outputs: ExperimentOutputs(table: out), settings: settings(seed: 2))
        let rows = try csv(out)
        #expect(rows[0] == InputAdversarialExperiment.columns)
        #expect(rows.count == 1 + 2 * 4)
        for p in 0..<4 {
            let rr = rows[1 + 2 * p], ra = rows[2 + 2 * p]
            #expect(rr[1] == "real-real" && ra[1] == "real-adversarial")
            #expect(rr[2] == rr[3] && ra[2] != ra[3] && ra[3] == rr[3])   // real-real: source = target
            #expect(rr[4] == ra[4])                                        // the same reference A
        }
    }

    @Test func detectionScoresEveryHeldOutExample() throws {
        var c = InputDetectExperiment.Configuration()
        (c.network, c.data, c.attacks, c.references, c.examples, c.points, c.resamples) =
            (Self.network, Self.data, [.pgd, .pgd], 2, 8, 16, 50)
        c.attackSettings.epsilon = 0.5
        let out = Self.directory + "/det.csv", scores = Self.directory + "/det_scores.csv"
        try ExperimentRunner.run(InputDetectExperiment(), c, outputs: ExperimentOutputs(["table": out, "scores": scores]),
                                 settings: settings(seed: 2))
        let rows = try csv(out)
        #expect(rows[0] == InputDetectExperiment.columns)
        #expect(rows.dropFirst().map { $0[1] } == DetectionScore.allCases.map(\.rawValue))   // repeats of pgd count once
        for r in rows.dropFirst() {
            #expect(r[6] == "4")                                            // the odd half of 8 real examples
            let (auroc, low, high) = (Double(r[2])!, Double(r[3])!, Double(r[4])!)
            #expect(low <= auroc && auroc <= high && low >= 0 && high <= 1)
            #expect(try csv(scores).filter { $0[1] == r[1] && $0[2] == "adversarial" }.count == Int(r[7])!)
        }
    }

    @Test func starRowsCoverEveryPairAndBoundTheGeodesic() throws {
        var c = InputStarExperiment.Configuration()
        (c.network, c.data, c.inputs, c.onlyClass, c.steps, c.points) = (Self.network, Self.data, 4, 3, 30, 11)
        let out = Self.directory + "/star.csv", saved = Self.directory + "/star.npy"
        try ExperimentRunner.run(InputStarExperiment(), c, outputs: ExperimentOutputs(["table": out, "inputs": saved]),
                                 settings: settings(seed: 5))
        let rows = try csv(out)
        #expect(rows[0] == InputStarExperiment.columns)
        #expect(rows.dropFirst().map { $0[0] + $0[1] } == ["01", "02", "03", "12", "13", "23"])
        let inputs = try NPYArray.read(from: saved)
        #expect(inputs.shape.first == 5 && inputs.shape.dropFirst().reduce(1, *) == 784)   // [N] + the model's input shape
        let x = inputs.floats(), d = 784
        for r in rows.dropFirst() {
            #expect(r[2] == "3" && Double(r[9])! >= 1)
            // The distance column is ‖x_i − x_j‖ of the saved inputs.
            let i = Int(r[0])!, j = Int(r[1])!
            let dist = (0..<d).map { Double(x[i * d + $0] - x[j * d + $0]) }.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(Double(r[3])! - dist) <= 1e-5 * dist)
        }
    }

    /// Untrained and trained checkpoints of a small MLP; the untrained rows of both tables are the same pairs.
    @Test func evolutionFollowsTrainingAndBypassesTheUntrainedNetwork() throws {
        var c = BarrierEvolutionExperiment.Configuration()
        c.network = NetworkSource(arch: "mlp:784-16-10")
        (c.data, c.batches, c.checkpoints, c.batchSize, c.classes, c.pairsPerClass) = (Self.data, 3, [3, 0], 16, 2, 2)
        (c.points, c.bypass) = (8, true)
        c.bypassSettings.pointsPerSegment = 8
        c.featureVisualization.iterations = 20
        let out = Self.directory + "/evo.csv", bypass = Self.directory + "/evo_bypass.csv"
        try ExperimentRunner.run(BarrierEvolutionExperiment(), c, outputs: ExperimentOutputs(["table": out, "bypass": bypass]),
                                 settings: settings(seed: 4))
        let rows = try csv(out), bent = try csv(bypass)
        #expect(rows[0] == BarrierEvolutionExperiment.columns)
        #expect(rows.dropFirst().map { $0[0] + $0[1] + $0[2] } == ["000", "001", "010", "011", "300", "301", "310", "311"])
        #expect(bent.count == 1 + 4)
        for (i, f) in bent.dropFirst().enumerated() {
            #expect(f[2] == rows[1 + i][3])
            #expect(Double(f[4])! <= Double(f[2])!)
        }
        // Checkpoint 3 is the network after three steps of Training.train on the same seed.
        var net = try Sequential.random(spec: "mlp:784-16-10", initialization: .pytorchDefault,
                                        seed: SeedSequence.derive(4, stream: "network", index: 0), generator: "mt19937")
        _ = try Training.train(&net, on: try Self.data.load(.train),
                               configuration: TrainingConfiguration(epochs: 0, batchSize: 16, seed: 4, generator: "mt19937", steps: 3))
        let classifier = NetworkClassifier(net)
        let perMark = 4
        let rng = try RandomGenerator(algorithm: "mt19937", seed: SeedSequence.derive(4, stream: "evolution", index: 3 * perMark + 0))
        let a = try c.featureVisualization.synthesize(classifier: classifier, target: 0, rng: rng).input
        let b = try c.featureVisualization.synthesize(classifier: classifier, target: 0, rng: rng).input
        #expect(Double(rows[5][3])! == (try classifier.linearBarrier(from: a, to: b, target: 0, points: 8).barrier.barrierMax))
    }

    @Test func libraryPresetsAreInTheFingerprint() throws {
        var c = InputPairsExperiment.Configuration()
        c.network = Self.network
        let before = try ExperimentRunner.fingerprint(InputPairsExperiment.self, c, seed: 1, generator: "mt19937")
        c.bypassSettings.learningRate *= 2
        #expect(try ExperimentRunner.fingerprint(InputPairsExperiment.self, c, seed: 1, generator: "mt19937") != before)
        var a = InputAdversarialExperiment.Configuration()
        let adv = try ExperimentRunner.fingerprint(InputAdversarialExperiment.self, a, seed: 1, generator: "mt19937")
        a.attackSettings.targetedIterations += 1
        #expect(try ExperimentRunner.fingerprint(InputAdversarialExperiment.self, a, seed: 1, generator: "mt19937") != adv)
    }

    @Test func badConfigurationsNameTheirField() throws {
        var c = InputPairsExperiment.Configuration()
        (c.network, c.data, c.points) = (Self.network, Self.data, 30)
        do {
            try InputPairsExperiment().validate(c)
            Issue.record("a bypass segment length other than points was accepted")
        } catch let e as ModeLatticeError { #expect(e.field == "bypassSettings" && e.kind == .usage) }
        c.bypassSettings.pointsPerSegment = 30
        c.onlyClass = 12
        do {
            _ = try InputPairsExperiment().prepare(c, settings(seed: 1))
            Issue.record("class 12 of a 10-class model was accepted")
        } catch let e as ModeLatticeError { #expect(e.field == "onlyClass" && e.message.contains("0..<10")) }
    }

    /// Every input-space catalog entry decodes, for every profile, to a configuration its type accepts.
    @Test func catalogEntriesAreValidConfigurations() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let catalog = try ExperimentCatalog.load(directory: root.path + "/experiments")
        let names = ["input_pairs_real", "input_pairs_synthetic", "input_adversarial", "input_detect", "input_star_real",
                     "input_star_synthetic", "resnet_barrier_evolution", "resnet_untrained_bypass"]
        for name in names {
            let spec = try #require(catalog.experiments.first { $0.name == name })
            let type = try ExperimentRegistry.named(try #require(spec.experiment))
            for profile in ExperimentSpec.profileNames {
                let overrides = try spec.overrides(profile: profile, resultsDirectory: "R")
                _ = try type.fingerprint(overrides, settings: RunSettings())
                switch type.identifier {
                case InputPairsExperiment.identifier:
                    let c = try RegisteredExperiment.configuration(InputPairsExperiment.self, overrides)
                    try InputPairsExperiment().validate(c)
                    #expect(c.network.model == "R/network_train_mlp.safetensors" && c.bypass)
                case InputAdversarialExperiment.identifier:
                    try InputAdversarialExperiment().validate(try RegisteredExperiment.configuration(InputAdversarialExperiment.self, overrides))
                case InputDetectExperiment.identifier:
                    try InputDetectExperiment().validate(try RegisteredExperiment.configuration(InputDetectExperiment.self, overrides))
                case InputStarExperiment.identifier:
                    try InputStarExperiment().validate(try RegisteredExperiment.configuration(InputStarExperiment.self, overrides))
                default:
                    let c = try RegisteredExperiment.configuration(BarrierEvolutionExperiment.self, overrides)
                    try BarrierEvolutionExperiment().validate(c)
                    #expect(c.bypass && c.network.arch != nil)
                }
            }
        }
    }
}
