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
            The center starts at the mean input (Adam, every input and --t-samples t values per step; not clipped).
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case real, synthetic }

    @OptionGroup var input: InputModelOptions
    @Option(help: "Number of inputs K (≥ 2).") var inputs: Int = 5
    @Option(help: "Input kind: real or synthetic.") var kind: Kind = .real
    @Option(name: .customLong("class"), help: "Class of the inputs (default: drawn with the seed among usable classes).") var classIndex: Int?
    @Option(help: "Center optimization steps.") var steps: Int = 300
    @Option(help: "Center Adam learning rate.") var lr: Float = 1e-2
    @Option(help: "t samples per input and step.") var tSamples: Int = 3
    @Option(help: "Save the center and the inputs as .npy [K+1, input shape] (center last).") var saveInputs: String?
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func validate() throws {
        if inputs < 2 { throw ValidationError("--inputs must be at least 2 (got \(inputs)).") }
        if steps < 0 { throw ValidationError("--steps must be ≥ 0 (got \(steps)).") }
        if !(lr > 0) || !lr.isFinite { throw ValidationError("--lr must be a positive number (got \(lr)).") }
        if tSamples < 1 { throw ValidationError("--t-samples must be at least 1 (got \(tSamples)).") }
        if let c = classIndex, c < 0 { throw ValidationError("--class must be a class index of the model (got \(c)).") }
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(options.threadCount)
        let world = try InputWorld.load(input, classOption: classIndex)
        try AtomicFile.checkWritable(output)
        let rng = try RandomGenerator(algorithm: options.rng, seed: SeedSequence.derive(options.seed, stream: "input-star-inputs", index: 0))
        let label: Int
        if let c = classIndex {
            label = c
        } else {
            let usable = kind == .real ? world.usableClasses(minimum: inputs) : Array(0..<world.classifier.classCount)
            guard !usable.isEmpty else {
                throw ModeLatticeError.data("no class has \(inputs) correctly classified test images")
            }
            label = usable[rng.uniformInt(usable.count)]
        }
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
        let config = InputStar.Configuration(steps: steps, learningRate: lr, samplesPerStep: tSamples, points: input.points,
                                             seed: options.seed, generator: options.rng)
        let (table, center) = try InputStar.run(world.classifier, inputs: xs, label: label, configuration: config)
        if let saveInputs {
            let all = (xs + [center]).flatMap { $0 }
            try NPYArray(float32: all, shape: [inputs + 1] + world.classifier.inputShape).write(to: saveInputs)
        }
        let parameters = InputOutput.parameters([
            ("model", input.model), ("dataset", input.data.dataset.rawValue), ("kind", kind.rawValue), ("inputs", inputs),
            ("class", label), ("points", input.points), ("steps", steps), ("lr", lr), ("t_samples", tSamples)])
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["columns: " + InputStar.columns.joined(separator: ","),
                                       "center: Adam on J(x) = (1/K) Σ_i E_t CE(f(tx+(1−t)x_i), class), from the mean input"])
        try table.write(to: output, record: record)
    }
}
