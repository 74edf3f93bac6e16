import ArgumentParser
import Connectivity
import Experiments
import Support

/// Options shared by `params star` and `params geodesic`: the data, the K minima
/// (``MinimaConfiguration``) and the center optimizer (``CenterSettings``). Old spellings
/// (`--model SPEC`, `--batch`) get an error naming the new flag.
struct StarSetupOptions: ParsableArguments {
    @OptionGroup var data: DataOptions
    @Option(help: "Architecture spec of the minima (default \(MinimaConfiguration().arch)).") var arch: String?
    @Option(help: "Number of minima K ≥ 2 (default \(MinimaConfiguration().count)).") var minima: Int?
    @Option(help: "Training epochs per minimum, Adam (default \(MinimaConfiguration().epochs)).") var epochs: Int?
    @Option(help: "Mini-batch size of minima and center steps (default \(MinimaConfiguration().batchSize)).") var batchSize: Int?
    @Option(help: "Adam learning rate of the minima (default \(MinimaConfiguration().lr)).") var lr: Float?
    @Option(help: "Train minima and centers on a deterministic subset of N training examples (default: all).") var trainSubset: Int?
    @Option(help: "Directory of minimum_k.safetensors (default: OUTPUT stem + _minima); finished minima are reused.") var minimaDir: String?
    @Option(help: "Training examples on which path losses are measured (default \(MinimaConfiguration().evalTrain)).") var evalTrain: Int?
    @Option(help: "Test examples on which path accuracies are measured (default: all).") var evalTest: Int?
    @Option(help: "Center optimization steps, the cap under the plateau rule (default \(CenterSettings().steps)).") var centerSteps: Int?
    @Option(help: "Steps between center checks (default \(CenterSettings().checkEvery)).") var centerCheckEvery: Int?
    @Option(help: "Plateau rule: stop once --center-patience checks lower the best Ĵ by less than this fraction (default 0: off).") var centerTolerance: Double?
    @Option(help: "Checks without improvement that stop the center (default \(CenterSettings().patience)).") var centerPatience: Int?
    @Option(help: "Points per spoke at a center check (default \(CenterSettings().checkPoints)).") var centerCheckPoints: Int?
    @Option(help: "Center Adam learning rate (default \(CenterSettings().lr)).") var centerLr: Float?
    @Option(help: "Center start: mean or first (default mean).") var centerInit: StarCenterConfiguration.Start?
    @Option(help: "t samples per center step (default \(CenterSettings().tSamples)).") var tSamples: Int?
    @Option(name: .customLong("model"), help: .hidden) var renamedModel: String?
    @Option(name: .customLong("batch"), help: .hidden) var renamedBatch: String?

    func validate() throws {
        if renamedModel != nil { throw ValidationError("--model now names a saved model file; give an architecture with --arch SPEC") }
        if renamedBatch != nil { throw ValidationError("--batch was renamed: use --batch-size") }
    }

    /// Flags of the configuration fields the libraries name.
    static let flags = ["minima": "--minima", "epochs": "--epochs", "batchSize": "--batch-size", "lr": "--lr",
                        "evalTrain": "--eval-train", "evalTest": "--eval-test", "trainSubset": "--train-subset",
                        "centerSteps": "--center-steps", "centerLr": "--center-lr", "tSamples": "--t-samples",
                        "centerCheckEvery": "--center-check-every", "centerTolerance": "--center-tolerance",
                        "centerPatience": "--center-patience", "centerCheckPoints": "--center-check-points",
                        "points": "--points", "lambda": "--lambda", "lambdas": "--lambdas", "pairs": "--pairs"]

    func minimaConfiguration(output: String) -> MinimaConfiguration {
        var m = MinimaConfiguration()
        m.data = data.source
        m.arch = arch ?? m.arch
        m.count = minima ?? m.count
        m.epochs = epochs ?? m.epochs
        m.batchSize = batchSize ?? m.batchSize
        m.lr = lr ?? m.lr
        m.trainSubset = trainSubset
        m.directory = minimaDir ?? (output.hasSuffix(".csv") ? String(output.dropLast(4)) : output) + "_minima"
        m.evalTrain = evalTrain ?? m.evalTrain
        m.evalTest = evalTest
        return m
    }

    /// The center settings; `tracing` says whether a trace table is wanted (checks cost evaluations).
    func centerSettings(tracing: Bool) -> CenterSettings {
        var c = CenterSettings()
        c.steps = centerSteps ?? c.steps
        c.checkEvery = centerCheckEvery ?? c.checkEvery
        c.tolerance = centerTolerance ?? c.tolerance
        c.patience = centerPatience ?? c.patience
        c.checkPoints = centerCheckPoints ?? c.checkPoints
        c.lr = centerLr ?? c.lr
        c.start = centerInit ?? c.start
        c.tSamples = tSamples ?? c.tSamples
        c.trace = tracing
        return c
    }
}

extension StarCenterConfiguration.Start: ExpressibleByArgument {}
