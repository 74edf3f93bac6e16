import ArgumentParser
import Experiments
import NetworkCore
import Support

/// `modelattice predict`: logits of a model for inputs in an .npy file.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Write the logits [N, classes] (float32 .npy) of a model for inputs X.npy [N, ...].",
        discussion: "Inputs are used as given (train-time pixels are in [0,1]); X is [N, C, H, W], [N, H, W] or [N, C·H·W] for an image model.")

    @Option(help: "Model file (.safetensors).") var model: String
    @Option(help: "Architecture spec when the file has none in its metadata.") var spec: String?
    @Option(help: "Inputs (.npy, any numeric dtype).") var input: String
    @Option(help: "Output logits (.npy, float32).") var output: String
    @Option(help: "Examples per forward pass.") var batchSize: Int = 1024
    @Option(name: .customLong("batch"), help: .hidden) var renamedBatch: String?
    @Option(help: "Worker threads for BLAS (default: all cores).") var threads: Int?

    func validate() throws {
        if renamedBatch != nil { throw ValidationError("--batch was renamed: use --batch-size") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        BLAS.setThreads(threads ?? ParallelMap.defaultThreads)
        let net = try ModelFile.load(model, spec: spec)
        let (x, n, _) = try ModelArrays.inputs(input, for: net)
        let logits = net.outputs(x, count: n, chunk: batchSize)
        try NPYArray(float32: logits, shape: [n] + net.outputShape).write(to: output)
    }
}
