import ArgumentParser
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
    @Option(help: "Examples per forward pass.") var batch: Int = 1024
    @Option(help: "Worker threads for BLAS (default: all cores).") var threads: Int?

    func validate() throws {
        if batch < 1 { throw ValidationError("--batch must be at least 1 (got \(batch)).") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        BLAS.setThreads(threads ?? ParallelMap.defaultThreads)
        let net = try NetworkIO.loadModel(model, spec: spec)
        let (x, n, _) = try NetworkIO.readInputs(input, for: net)
        try AtomicFile.checkWritable(output)
        let logits = net.outputs(x, count: n, chunk: batch)
        try NPYArray(float32: logits, shape: [n] + net.outputShape).write(to: output)
    }
}
