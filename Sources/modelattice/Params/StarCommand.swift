import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// Options shared by `params star` and `params geodesic`: the data, the K minima (trained or
/// resumed from --minima-dir), the evaluation sets and the center optimizer.
struct StarSetupOptions: ParsableArguments {
    @OptionGroup var data: DatasetOptions
    @Option(help: "Architecture spec, e.g. mlp:784-500-300-10.") var model: String = "mlp:784-500-300-10"
    @Option(help: "Number of minima K (≥ 2).") var minima: Int = 5
    @Option(help: "Training epochs per minimum (Adam, batch --batch, lr --lr).") var epochs: Int = 10
    @Option(help: "Mini-batch size (minima and center steps).") var batch: Int = 128
    @Option(help: "Learning rate of the minima.") var lr: Float = 1e-3
    @Option(help: "Train the minima and centers on a deterministic subset of N training examples (default: all).") var trainSubset: Int?
    @Option(help: "Directory of minimum_k.safetensors (default: OUTPUT stem + _minima); finished minima are reused, not retrained.") var minimaDir: String?
    @Option(help: "Training examples (deterministic subset) on which path losses are measured.") var evalTrain: Int = 5000
    @Option(help: "Test examples (deterministic subset) on which path accuracies are measured (default: all).") var evalTest: Int?
    @Option(help: "Points per segment.") var points: Int = 61
    @Option(help: "Center optimization steps (the cap when --center-tolerance > 0).") var centerSteps: Int = 1500
    @Option(help: "Steps between center checks: Ĵ on the training subset, barrier, G (used by --center-tolerance and --trace).") var centerCheckEvery: Int = 500
    @Option(help: "Plateau rule: stop the center once --center-patience checks in a row lower the best Ĵ by less than this fraction (0: run all --center-steps).") var centerTolerance: Double = 0
    @Option(help: "Checks without relative improvement above --center-tolerance that stop the center.") var centerPatience: Int = 2
    @Option(help: "Points per spoke at a center check.") var centerCheckPoints: Int = 11
    @Option(help: "Center Adam learning rate (the issue's reference: 1e-3 works, 1e-2 drifts).") var centerLr: Float = 1e-3
    @Option(help: "Center start: mean (of the minima) or first (minimum 0).") var centerInit: String = "mean"
    @Option(help: "t samples per center step.") var tSamples: Int = 3

    func validateSetup() throws {
        if minima < 2 { throw ValidationError("--minima must be at least 2 (got \(minima)).") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
        if batch < 1 { throw ValidationError("--batch must be at least 1 (got \(batch)).") }
        if !(lr > 0) || !lr.isFinite { throw ValidationError("--lr must be a positive number (got \(lr)).") }
        if !(centerLr > 0) || !centerLr.isFinite { throw ValidationError("--center-lr must be a positive number (got \(centerLr)).") }
        if points < 2 { throw ValidationError("--points must be at least 2 (got \(points)).") }
        if centerSteps < 0 { throw ValidationError("--center-steps must be ≥ 0 (got \(centerSteps)).") }
        if tSamples < 1 { throw ValidationError("--t-samples must be at least 1 (got \(tSamples)).") }
        if centerCheckEvery < 1 { throw ValidationError("--center-check-every must be at least 1 (got \(centerCheckEvery)).") }
        if !(centerTolerance >= 0) || !centerTolerance.isFinite { throw ValidationError("--center-tolerance must be ≥ 0 (got \(centerTolerance)).") }
        if centerPatience < 1 { throw ValidationError("--center-patience must be at least 1 (got \(centerPatience)).") }
        if centerCheckPoints < 2 { throw ValidationError("--center-check-points must be at least 2 (got \(centerCheckPoints)).") }
        if evalTrain < 1 { throw ValidationError("--eval-train must be at least 1 (got \(evalTrain)).") }
        if let n = evalTest, n < 1 { throw ValidationError("--eval-test must be at least 1 (got \(n)).") }
        if let n = trainSubset, n < 1 { throw ValidationError("--train-subset must be at least 1 (got \(n)).") }
        if StarCenterConfiguration.Start(rawValue: centerInit) == nil {
            throw ValidationError("--center-init must be mean or first (got '\(centerInit)').")
        }
    }

    /// Everything a star or geodesic run needs, minima trained or loaded.
    struct World {
        var minima: [[Float]]
        var evaluator: StarPathEvaluator
        var risk: StarNetworkRisk
        var reused: Int
        var trainSeconds: Double
    }

    func defaultMinimaDir(output: String) -> String {
        (output.hasSuffix(".csv") ? String(output.dropLast(4)) : output) + "_minima"
    }

    func load(output: String, options: RunOptions) throws -> World {
        let template = try NetworkIO.build(model)
        var train = try data.load(.train)
        var test = try data.load(.test)
        try NetworkIO.check(train, fits: template)
        if let n = trainSubset { train = try train.subset(n, seed: options.seed, generator: options.rng) }
        let evalTrainSet = try train.subset(evalTrain, seed: SeedSequence.derive(options.seed, stream: "eval-train", index: 0), generator: options.rng)
        if let n = evalTest { test = try test.subset(n, seed: SeedSequence.derive(options.seed, stream: "eval-test", index: 0), generator: options.rng) }
        let config = TrainingConfiguration(epochs: epochs, batchSize: batch, optimizer: .adam, learningRate: lr,
                                           seed: options.seed, generator: options.rng)
        let steps = epochs * minima * ((train.count + min(batch, train.count) - 1) / min(batch, train.count))
        let progress = ProgressLine("minima", total: steps, quiet: options.quiet)
        var reused = 0
        let start = Date()
        let nets = try MinimaTraining.minima(spec: model, count: minima, train: train, training: config,
                                             directory: minimaDir ?? defaultMinimaDir(output: output),
                                             onStep: { _, _ in progress.advance() },
                                             onMinimum: { _, r in if r { reused += 1; progress.advance(steps / minima) } })
        progress.finish()
        let risk = try StarNetworkRisk(template: template, data: train, batchSize: batch,
                                       seed: SeedSequence.derive(options.seed, stream: "center-batches", index: 0), generator: options.rng)
        return World(minima: nets.map(\.parameters), evaluator: StarPathEvaluator(template: template, train: evalTrainSet, test: test),
                     risk: risk, reused: reused, trainSeconds: Date().timeIntervalSince(start))
    }

    /// The center configuration; checks run only when the plateau rule or a trace needs them.
    func centerConfiguration(lambda: Double, tracing: Bool, options: RunOptions) -> StarCenterConfiguration {
        StarCenterConfiguration(steps: centerSteps, learningRate: centerLr, lambda: lambda, samplesPerStep: tSamples,
                                start: StarCenterConfiguration.Start(rawValue: centerInit) ?? .mean,
                                seed: options.seed, generator: options.rng,
                                checkEvery: tracing || centerTolerance > 0 ? centerCheckEvery : 0,
                                tolerance: centerTolerance, patience: centerPatience)
    }

    var parameters: [String: String] {
        let own: [String: String] = ["model": model, "minima": String(minima), "epochs": String(epochs),
             "batch": String(batch), "lr": String(lr), "train_subset": trainSubset.map(String.init) ?? "all",
             "eval_train": String(evalTrain), "eval_test": evalTest.map(String.init) ?? "all", "points": String(points),
             "center_steps": String(centerSteps), "center_lr": String(centerLr), "center_init": centerInit,
             "t_samples": String(tSamples), "center_optimizer": "adam", "center_check_every": String(centerCheckEvery),
             "center_tolerance": String(centerTolerance), "center_patience": String(centerPatience),
             "center_check_points": String(centerCheckPoints)]
        return own.merging(data.recordedParameters) { $1 }
    }
}

/// `modelattice params star`: K minima, one shared star center (Lin, Li & Wu, arXiv 2404.06391),
/// and per pair the direct segment beside the two-piece path through the center.
struct StarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star",
        abstract: "Shared star center of K minima: direct vs center-path barriers, accuracies and G per pair.",
        discussion: """
        Rows: \(StarExperiment.columns.joined(separator: ",")). Barriers use the training-subset loss \
        (max along the path minus the larger endpoint loss); accuracies are test accuracies. \
        --profiles: \(StarExperiment.profileColumns.joined(separator: ",")) with path direct:i-j:SPLIT, \
        center:i:SPLIT (θ_i at t=0 → center), held-out…:SPLIT, SPLIT = train|test. A shared center \
        cannot make G small for many minima: max G ≥ sqrt(2(K−1)/K) (1.265 at K=5); see params geodesic.
        """)

    @OptionGroup var setup: StarSetupOptions
    @Option(name: .customLong("lambda"), help: "λ of the center objective (0: connectivity).") var lambda: Double = 0
    @Flag(help: "Also train a center on minima 0..<K−1 and measure the last minimum's segment to it.") var heldOut = false
    @Option(help: "Profiles CSV (path,t,loss,accuracy).") var profiles: String?
    @Option(help: "Save the center as safetensors.") var saveCenter: String?
    @Option(help: "Center trace CSV (\(StarCheckpoint.traceColumns.joined(separator: ","))), one row per check.") var trace: String?
    @Option(help: "Output CSV (a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func validate() throws {
        try setup.validateSetup()
        if !(lambda >= 0) || !lambda.isFinite { throw ValidationError("--lambda must be ≥ 0 (got \(lambda)).") }
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(options.threadCount)
        try AtomicFile.checkWritable(output)
        if let profiles { try AtomicFile.checkWritable(profiles) }
        if let trace { try AtomicFile.checkWritable(trace) }
        let world = try setup.load(output: output, options: options)
        let k = setup.minima, p = setup.points
        let progress = ProgressLine("star", total: setup.centerSteps * (heldOut ? 2 : 1) + StarExperiment.evaluationCount(minima: k, points: p, heldOut: heldOut),
                                    quiet: options.quiet)
        let centerStart = Date()
        var centerSeconds = 0.0
        let risk = world.risk
        let result = try StarExperiment.run(
            minima: world.minima, evaluator: world.evaluator,
            center: setup.centerConfiguration(lambda: lambda, tracing: trace != nil, options: options),
            points: p, heldOut: heldOut, risk: { try risk($0, $1) }, checkPoints: setup.centerCheckPoints,
            onCenterStep: { _, _ in
                progress.advance()
                centerSeconds = Date().timeIntervalSince(centerStart)
            },
            onPoint: { progress.advance() })
        progress.finish()
        if let saveCenter {
            var net = try NetworkIO.build(setup.model)
            net.parameters = result.center
            try ModelFile.save(net, to: saveCenter, metadata: ["kind": "star-center", "lambda": String(lambda)])
        }
        var parameters = setup.parameters
        parameters["lambda"] = String(lambda)
        parameters["minima_reused"] = String(world.reused)
        parameters["minima_seconds"] = String(world.trainSeconds)
        parameters["center_seconds"] = String(centerSeconds)
        parameters["center_steps_taken"] = String(result.centerSteps)
        parameters["center_converged"] = String(result.centerConverged)
        parameters["endpoint_test_accuracy"] = result.endpointAccuracy.map { String(format: "%.4f", $0) }.joined(separator: ",")
        parameters["endpoint_train_loss"] = result.endpointLoss.map { String(format: "%.5f", $0) }.joined(separator: ",")
        parameters["center_train_loss"] = String(result.centerPoint.trainLoss)
        parameters["center_test_accuracy"] = String(result.centerPoint.testAccuracy)
        parameters["shared_center_G_lower_bound"] = String(StarGeometry.sharedCenterBound(minima: k))
        if let h = result.heldOut {
            parameters["held_out_minimum"] = String(h.minimum)
            parameters["held_out_rise"] = String(h.rise)
            parameters["held_out_min_accuracy"] = String(h.minAccuracy)
            parameters["held_out_trained_mean_rise"] = String(h.trainedMeanRise)
        }
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["columns: " + StarExperiment.columns.joined(separator: ","),
                                       "barriers: training-subset cross-entropy, max along the path minus the larger endpoint; accuracies: test set",
                                       "center: Adam on J(θ) = (1/K) Σ_i [E_t R(tθ+(1−t)θ_i) + λ‖θ−θ_i‖²], one minimum and \(setup.tSamples) t per step, minibatch \(setup.batch)",
                                       "shared-center geometry: max G ≥ sqrt(2(K−1)/K) for equidistant minima"])
        if let profiles {
            try result.profiles.write(to: profiles)
        }
        if let trace {
            try result.trace.write(to: trace)
        }
        try result.table.write(to: output, record: record)
        if !options.quiet {
            let rows = result.table.rows
            func col(_ name: String) -> [Double] {
                let idx = StarExperiment.columns.firstIndex(of: name)!
                return rows.compactMap { if case .double(let v) = $0[idx] { v } else { nil } }
            }
            FileHandle.standardError.write(Data(String(
                format: "star: endpoints acc %.4f–%.4f | direct barrier max %.4f, min acc %.4f | center barrier max %.5f, min acc %.4f | G max %.4f (shared-center bound %.4f)\n",
                result.endpointAccuracy.min() ?? 0, result.endpointAccuracy.max() ?? 0, col("direct_barrier").max() ?? 0,
                col("direct_min_accuracy").min() ?? 0, col("center_barrier").max() ?? 0, col("center_min_accuracy").min() ?? 0,
                col("geodesic_bound").max() ?? 0, StarGeometry.sharedCenterBound(minima: k)).utf8))
        }
    }
}
