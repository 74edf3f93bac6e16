import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice input star`: the star-center objective over inputs — one input x̃ joined to K
/// same-class inputs (real test images or synthetic feature visualizations) by straight segments
/// of low loss for their class (issue 8, item 5; ``InputStar``).
struct InputStarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star",
        abstract: "Star center in input space: one input joined to K same-class inputs by low-loss segments.",
        discussion: """
            Columns: \(InputStar.columns.joined(separator: ",")). One row per pair i<j of the K inputs. Loss = cross-entropy \
            of the class (label) at the input; barriers = max loss along the path minus the larger endpoint loss (direct: \
            x_i → x_j; center: x_i → x̃ → x_j); agreement = fraction of the path's points the model assigns to the class; \
            two_piece_length = ‖x_i−x̃‖+‖x̃−x_j‖, geodesic_bound = its ratio to ‖x_i−x_j‖. Real inputs are distinct correctly \
            classified test images of the class, drawn with the seed; synthetic ones come from feature visualization. \
            --stars N repeats the star for N distinct classes (rows told apart by label). \
            The center starts at the mean input (Adam, every input and --t-samples t values per step; not clipped).
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case real, synthetic }

    @OptionGroup var input: InputModelOptions
    @Option(help: "Number of inputs K (≥ 2).") var inputs: Int = 5
    @Option(help: "Number of stars: one per class, distinct classes drawn with the seed (with --class: 1).") var stars: Int = 1
    @Option(help: "Input kind: real or synthetic.") var kind: Kind = .real
    @Option(name: .customLong("class"), help: "Class of the inputs (default: drawn with the seed among usable classes).") var classIndex: Int?
    @Option(help: "Center optimization steps.") var steps: Int = 300
    @Option(help: "Center Adam learning rate.") var lr: Float = 1e-2
    @Option(help: "t samples per input and step.") var tSamples: Int = 3
    @Option(help: "Save the inputs and centers as .npy [stars·(K+1), input shape] (each star's K inputs, then its center).") var saveInputs: String?
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func validate() throws {
        if inputs < 2 { throw ValidationError("--inputs must be at least 2 (got \(inputs)).") }
        if steps < 0 { throw ValidationError("--steps must be ≥ 0 (got \(steps)).") }
        if !(lr > 0) || !lr.isFinite { throw ValidationError("--lr must be a positive number (got \(lr)).") }
        if tSamples < 1 { throw ValidationError("--t-samples must be at least 1 (got \(tSamples)).") }
        if let c = classIndex, c < 0 { throw ValidationError("--class must be a class index of the model (got \(c)).") }
        if stars < 1 { throw ValidationError("--stars must be at least 1 (got \(stars)).") }
        if classIndex != nil && stars > 1 { throw ValidationError("--class picks one star; drop it or use --stars 1 (got --stars \(stars)).") }
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(options.threadCount)
        let world = try InputWorld.load(input, classOption: classIndex)
        try AtomicFile.checkWritable(output)
        let rng = try RandomGenerator(algorithm: options.rng, seed: SeedSequence.derive(options.seed, stream: "input-star-inputs", index: 0))
        let labels: [Int]
        if let c = classIndex {
            guard c < world.classifier.classCount else {
                throw ModeLatticeError.usage("--class \(c) is not a class of the model (\(world.classifier.classCount) classes)")
            }
            labels = [c]
        } else {
            let usable = kind == .real ? world.usableClasses(minimum: inputs) : Array(0..<world.classifier.classCount)
            guard usable.count >= stars else {
                throw ModeLatticeError.data("only \(usable.count) classes have \(inputs) usable inputs, fewer than --stars \(stars)")
            }
            labels = rng.permutation(usable.count).prefix(stars).map { usable[Int($0)] }
        }
        var table = Table(columns: InputStar.columns)
        var saved: [Float] = []
        for (s, label) in labels.enumerated() {
            var xs: [[Float]] = []
            switch kind {
            case .real:
                let pool = world.byClass[label]
                guard pool.count >= inputs else {
                    throw ModeLatticeError.data("class \(label) has \(pool.count) correctly classified test images, fewer than --inputs \(inputs)")
                }
                let order = rng.permutation(pool.count).prefix(inputs)
                xs = order.map { world.image(pool[Int($0)]) }
            case .synthetic:
                let fv = FeatureVisualization()
                for _ in 0..<inputs { xs.append(try fv.synthesize(classifier: world.classifier, target: label, rng: rng).input) }
            }
            // Star 0 keeps the run seed (a single star is what it always was); later stars derive theirs.
            let seed = s == 0 ? options.seed : SeedSequence.derive(options.seed, stream: "input-star", index: s)
            let config = InputStar.Configuration(steps: steps, learningRate: lr, samplesPerStep: tSamples, points: input.points,
                                                 seed: seed, generator: options.rng)
            let (rows, center) = try InputStar.run(world.classifier, inputs: xs, label: label, configuration: config)
            for row in rows.rows { table.append(row) }
            saved += (xs + [center]).flatMap { $0 }
        }
        if let saveInputs {
            try NPYArray(float32: saved, shape: [labels.count * (inputs + 1)] + world.classifier.inputShape).write(to: saveInputs)
        }
        let parameters = InputOutput.parameters([
            ("model", input.model), ("dataset", input.data.recordedName(.test)), ("kind", kind.rawValue), ("inputs", inputs),
            ("stars", labels.count), ("classes", labels.map(String.init).joined(separator: ",")), ("points", input.points), ("steps", steps), ("lr", lr), ("t_samples", tSamples)])
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["columns: " + InputStar.columns.joined(separator: ","),
                                       "center: Adam on J(x) = (1/K) Σ_i E_t CE(f(tx+(1−t)x_i), class), from the mean input"])
        try table.write(to: output, record: record)
    }
}
