import ArgumentParser
import Experiments
import Foundation
import Support

/// `modelattice claims`: the README's input-space claims across replicates and architectures
/// (``ClaimsExperiment``), or, with `--markdown`, the README table of a finished claims.csv.
struct ClaimsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "README claims across training seeds and architectures, with 95% intervals and verdicts.")
    typealias Experiment = ClaimsExperiment

    @Option(help: "Replicates K per architecture (default \(Experiment.Configuration().replicates)).") var replicates: Int?
    @Option(parsing: .upToNextOption, help: "Architectures on Fashion-MNIST (default: the three MLPs, the small CNN and resnet18-cifar).")
    var arch: [String] = []
    @Option(help: "Real pairs per replicate (default \(Experiment.Configuration().pairs)).") var pairs: Int?
    @Option(help: "Training examples per replicate (default \(Experiment.Configuration().trainExamples)).") var trainExamples: Int?
    @Option(help: "Training epochs (default \(Experiment.Configuration().epochs)).") var epochs: Int?
    @Option(help: "Output claims table (.csv; sidecars beside it).") var output: String?
    @Option(help: "Per-replicate table with bootstrap intervals over pairs.") var replicatesOutput: String?
    @Option(help: "Print the README claims table of this claims CSV (markers named after the file: claims, claims_conv) and exit.") var markdown: String?
    @OptionGroup var preset: ProtocolOption
    @OptionGroup var options: RunOptions

    func run() throws {
        if let markdown {
            guard let text = try? String(contentsOfFile: markdown, encoding: .utf8) else {
                throw ModeLatticeError.io("cannot read '\(markdown)'")
            }
            let name = ((markdown as NSString).lastPathComponent as NSString).deletingPathExtension
            print(try ClaimsMarkdown.table(csv: text, name: name))
            return
        }
        guard let output else { throw ValidationError("--output is required (or --markdown CSV).") }
        var c = try preset.applied(to: Experiment.Configuration())
        if let replicates { c.replicates = replicates }
        if !arch.isEmpty {
            c.architectures = arch.map { Experiment.Architecture($0, $0.hasPrefix("resnet") ? .fashionMNIST32 : .fashionMNIST) }
        }
        if let pairs { c.pairs = pairs }
        if let trainExamples { c.trainExamples = trainExamples }
        if let epochs { c.epochs = epochs }
        var outputs = ["table": output]
        if let replicatesOutput { outputs["replicates"] = replicatesOutput }
        try CommandErrors.naming(["replicates": "--replicates", "pairs": "--pairs", "trainExamples": "--train-examples",
                                  "epochs": "--epochs", "architectures": "--arch"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(outputs), settings: options.settings)
        }
    }
}
