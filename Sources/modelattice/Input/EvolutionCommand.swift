import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice input evolution`: loss barriers between synthetic same-class inputs of a randomly
/// initialized network and at checkpoints through its first training batches (Vrabel et al. 2025,
/// App. F.1: ResNet-18, 10 classes × 5 pairs, batch 512, Adam 1e-3, first 30 batches); with
/// --bypass-output, the untrained network's pairs are also bent by the free (unconstrained) bypass in
/// two rounds (their Fig. 7).
///
/// At every checkpoint t (batches trained so far) each of the classes × pairs units synthesizes two
/// inputs of its class by feature visualization on the current network (inference mode, running
/// batch-norm statistics) from its own seed `derive(seed, "evolution", t·units + unit)` and measures
/// the CE barrier of the straight path between them. Training batches are consecutive slices of GSL
/// permutations of the training set (`derive(seed, "shuffle", epoch)`); batch norm runs in training
/// mode (batch statistics, running averages updated).
struct InputEvolutionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolution",
        abstract: "Barriers between synthetic same-class inputs through the first training batches (untrained network at batch 0).",
        discussion: """
            Columns: batch,class,pair,barrier_max,barrier_gap (loss = cross-entropy of the pair's class; batch = training \
            batches done). --bypass-output writes pair,class,barrier_max,barrier_gap,bypass_barrier_max,bypass_barrier_gap,\
            bypass_deviation,bypass_steps,bypass_status for the untrained network (free bypass, --bypass-rounds rounds; status \
            met, step_cap or no_barrier; the best path seen is kept, never one higher than the straight path). The network is \
            --model SPEC freshly initialized from --seed (e.g. resnet18-cifar, resnet18:num_classes=10,input=3x32x32).
            """)

    @Option(help: "Architecture spec of the network to initialize (e.g. resnet18-cifar).") var model: String
    @Option(help: "Initialization: default (PyTorch/torchvision), he, glorot or gaussian.") var initialization = "default"
    @OptionGroup var data: DatasetOptions
    @Option(help: "Training batches to run.") var batches = 30
    @Option(help: "Training batch size (batch norm uses the statistics of the whole batch).") var batchSize = 512
    @Option(help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Comma-separated checkpoints (batches done) to measure at (default: every batch 0...--batches).")
    var checkpoints: String?
    @Option(help: "Classes to use (0..<K; default: all outputs of the model).") var classes: Int?
    @Option(help: "Synthetic pairs per class.") var pairsPerClass = 5
    @Option(help: "Points per straight path (and bypass segment).") var points = 250
    @Option(help: "Feature-visualization steps at most per synthetic input (stops earlier at CE < 5e-4).") var fvIterations = 8192
    @Option(help: "Also write the untrained network's free-bypass table here (Fig. 7 analogue).") var bypassOutput: String?
    @Option(help: "Bypass rounds for --bypass-output.") var bypassRounds = 2
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func validate() throws {
        if batches < 0 { throw ValidationError("--batches must be at least 0 (got \(batches)).") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
        if pairsPerClass < 1 { throw ValidationError("--pairs-per-class must be at least 1 (got \(pairsPerClass)).") }
        if points < 2 { throw ValidationError("--points must be at least 2 (got \(points)).") }
        if fvIterations < 0 { throw ValidationError("--fv-iterations must be at least 0.") }
        if bypassRounds < 1 { throw ValidationError("--bypass-rounds must be at least 1.") }
        if !(learningRate > 0) { throw ValidationError("--learning-rate must be positive.") }
        if let c = classes, c < 1 { throw ValidationError("--classes must be at least 1.") }
        _ = try checkpointList()
    }

    func checkpointList() throws -> [Int] {
        guard let text = checkpoints else { return Array(0...batches) }
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? -1) >= 0 && $0! <= batches }) else {
            throw ValidationError("--checkpoints must be comma-separated batch counts in 0...\(batches) (got '\(text)').")
        }
        return Array(Set(values.map { $0! })).sorted()
    }

    /// One pair at one checkpoint.
    struct Outcome: Sendable {
        var linear: Barrier
        var bypass: BypassResult?
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(1)
        let marks = try checkpointList()
        let scheme = try Initialization.named(initialization)
        var net = try Sequential.random(spec: model, initialization: scheme,
                                        seed: SeedSequence.derive(options.seed, stream: "network", index: 0),
                                        generator: options.rng)
        let k = classes ?? net.outputSize
        guard k <= net.outputSize else {
            throw ModeLatticeError.usage("--classes \(k) exceeds the model's \(net.outputSize) outputs")
        }
        let needTraining = (marks.last ?? 0) > 0
        let train = needTraining ? try data.load(.train) : nil
        if let train { try NetworkIO.check(train, fits: net) }
        try AtomicFile.checkWritable(output)
        if let bypassOutput { try AtomicFile.checkWritable(bypassOutput) }

        let units = k * pairsPerClass
        let seed = options.seed, generator = options.rng, threads = options.threadCount
        var fv = FeatureVisualization()
        fv.iterations = fvIterations
        var bypassSettings = BypassSettings.untrained
        bypassSettings.pointsPerSegment = points
        let synthesizer = fv, settings = bypassSettings, perClass = pairsPerClass, points = self.points
        let rounds = bypassRounds, wantBypass = bypassOutput != nil
        let progress = ProgressLine("input evolution", total: marks.count * units, quiet: options.quiet)

        var table = Table(columns: ["batch", "class", "pair", "barrier_max", "barrier_gap"])
        var bypassTable = Table(columns: ["pair", "class", "barrier_max", "barrier_gap", "bypass_barrier_max",
                                          "bypass_barrier_gap", "bypass_deviation", "bypass_steps", "bypass_status"])
        var notes: [String] = []
        var trainer = try train.map { try BatchTrainer(model: net, data: $0, batchSize: batchSize, learningRate: learningRate,
                                                       seed: seed, generator: generator) }
        var done = 0
        for mark in marks {
            while done < mark {
                let loss = try trainer!.step(&net)
                done += 1
                notes.append(String(format: "batch %d: training loss %.4f", done, loss))
            }
            let classifier = NetworkClassifier(net)
            let bypassHere = wantBypass && mark == 0
            let outcomes = try ParallelMap.map(count: units, threads: threads) { i -> Outcome in
                let rng = try RandomGenerator(algorithm: generator,
                                              seed: SeedSequence.derive(seed, stream: "evolution", index: mark * units + i))
                let c = i / perClass
                let a = try synthesizer.synthesize(classifier: classifier, target: c, rng: rng).input
                let b = try synthesizer.synthesize(classifier: classifier, target: c, rng: rng).input
                let linear = try classifier.linearBarrier(from: a, to: b, target: c, points: points).barrier
                let bypass = bypassHere
                    ? try BarrierBypass.run(classifier: classifier, from: a, to: b, target: c, settings: settings, rounds: rounds)
                    : nil
                progress.advance()
                return Outcome(linear: linear, bypass: bypass)
            }
            for (i, o) in outcomes.enumerated() {
                table.append([.int(mark), .int(i / perClass), .int(i % perClass), .double(o.linear.barrierMax), .double(o.linear.barrierGap)])
                if let r = o.bypass {
                    bypassTable.append([.int(i), .int(i / perClass), .double(o.linear.barrierMax), .double(o.linear.barrierGap),
                                        .double(r.barrier.barrierMax), .double(r.barrier.barrierGap), .double(r.deviation),
                                        .int(r.points.map(\.steps).max() ?? 0), .text(r.status.rawValue)])
                }
            }
            let gaps = outcomes.map(\.linear.barrierGap)
            notes.append(String(format: "batch %d: mean barrier_gap %.4g, max %.4g, %d of %d pairs with gap > 1e-3", mark,
                                gaps.reduce(0, +) / Double(gaps.count), gaps.max() ?? 0, gaps.filter { $0 > 1e-3 }.count, gaps.count))
            if bypassHere {
                let after = outcomes.compactMap { $0.bypass?.barrier.barrierGap }
                notes.append(String(format: "untrained bypass (%d rounds): mean barrier_gap %.4g -> %.4g", rounds,
                                    gaps.reduce(0, +) / Double(gaps.count), after.reduce(0, +) / Double(max(1, after.count))))
                let capped = outcomes.filter { $0.bypass?.status == .stepCap }.count
                notes.append("untrained bypass: \(capped) of \(outcomes.count) pairs hit the step cap (best path seen kept)")
            }
        }
        progress.finish()
        notes.insert("network: \(model) initialized '\(initialization)'; data: \(train?.name ?? "none (no training)")", at: 0)
        let parameters = InputOutput.parameters([
            ("model", model), ("initialization", initialization), ("dataset", train?.name), ("batches", batches),
            ("batch_size", batchSize), ("learning_rate", learningRate), ("checkpoints", marks.map(String.init).joined(separator: ",")),
            ("classes", k), ("pairs_per_class", pairsPerClass), ("points", points), ("fv_iterations", fvIterations),
            ("bypass_rounds", wantBypass ? rounds : nil)])
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: notes)
        try table.write(to: output, record: record)
        if let bypassOutput { try bypassTable.write(to: bypassOutput, record: record) }
        for line in notes where !line.contains("training loss") { print(line) }
    }
}

/// Mini-batch Adam training one batch at a time (batch norm in training mode), for following a
/// network through its first steps. Batch b is the slice [bB, (b+1)B) of the concatenation of
/// per-epoch GSL permutations of the data.
struct BatchTrainer {
    let data: Dataset
    let batchSize: Int
    let seed: UInt64
    let generator: String?
    let workspace: Workspace
    var optimizer: Adam
    var order: [Int] = []
    var epoch = 0
    var position = 0

    init(model: Sequential, data: Dataset, batchSize: Int, learningRate: Float, seed: UInt64, generator: String?) throws {
        guard data.count > 0 else { throw ModeLatticeError.data("dataset '\(data.name)' is empty") }
        self.data = data
        self.batchSize = min(batchSize, data.count)
        self.seed = seed
        self.generator = generator
        workspace = Workspace(model: model, capacity: self.batchSize)
        optimizer = Adam(learningRate: learningRate)
    }

    /// Trains one batch; returns its mean cross-entropy before the step.
    mutating func step(_ model: inout Sequential) throws -> Double {
        let b = batchSize, d = data.exampleSize, k = model.outputSize
        var x = [Float](repeating: 0, count: b * d)       // [B, D]
        var y = [Int32](repeating: 0, count: b)           // [B]
        for j in 0..<b {
            if position == order.count {
                let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "shuffle", index: epoch))
                order = rng.permutation(data.count).map(Int.init)
                epoch += 1
                position = 0
            }
            let i = order[position]
            position += 1
            for t in 0..<d { x[j * d + t] = data.images[i * d + t] }
            y[j] = data.labels[i]
        }
        var dz = [Float](repeating: 0, count: b * k)      // [B, K]
        let ws = workspace
        let lossSum = model.crossEntropyGradient(x, labels: y, batch: b, workspace: ws, logitGradient: &dz).lossSum
        guard lossSum.isFinite else { throw ModeLatticeError.software("training loss became non-finite") }
        optimizer.step(&model.parameters, gradient: ws.parameterGradient)
        return lossSum / Double(b)
    }
}
