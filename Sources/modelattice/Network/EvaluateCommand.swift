import ArgumentParser
import Experiments
import NetworkCore
import Support

/// `modelattice evaluate`: mean cross-entropy and accuracy of a saved model, as CSV on stdout.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Print split,examples,loss,accuracy of a model on a dataset.")

    enum Split: String, ExpressibleByArgument, CaseIterable { case test, train, all }

    @Option(help: "Model file (.safetensors).") var model: String
    @Option(help: "Architecture spec when the file has none in its metadata (PyTorch exports).") var spec: String?
    @OptionGroup var data: DataOptions
    @Option(help: "Which split(s): test, train or all.") var split: Split = .test
    @Option(help: "Worker threads for BLAS (default: all cores).") var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        BLAS.setThreads(threads ?? ParallelMap.defaultThreads)
        let net = try ModelFile.load(model, spec: spec)
        let splits: [MNISTFormat.Split] = split == .all ? [.train, .test] : [split == .train ? .train : .test]
        var table = Table(columns: ["split", "examples", "loss", "accuracy"])
        for s in splits {
            let d = try data.source.load(s)
            try DataSource.check(d, fits: net)
            let r = net.evaluate(d.images, labels: d.labels)
            table.append([.text(s.rawValue), .int(d.count), .double(r.loss), .double(r.accuracy)])
        }
        print(table.csv, terminator: "")
    }
}
