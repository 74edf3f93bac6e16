import ArgumentParser
import Experiments
import NetworkCore
import Support

/// `modelattice gradient`: ∂ℓ_n/∂x_n of each example's own cross-entropy (no batch averaging).
struct GradientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradient",
        abstract: "Write each example's cross-entropy gradient with respect to its own input (float32 .npy, shaped like X).")

    @Option(help: "Model file (.safetensors).") var model: String
    @Option(help: "Architecture spec when the file has none in its metadata.") var spec: String?
    @Option(help: "Inputs (.npy).") var input: String
    @Option(help: "Labels [N] (.npy, integer dtype), each in 0..<classes.") var labels: String
    @Option(help: "Output gradients (.npy, float32, same shape as the inputs).") var output: String
    @Option(help: "Also write the per-example losses [N] (.npy, float32).") var losses: String?
    @Option(help: "Examples per pass.") var batchSize: Int = 512
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
        let (x, n, shape) = try ModelArrays.inputs(input, for: net)
        let y = try ModelArrays.labels(labels, count: n, classes: net.outputSize)
        let r = net.crossEntropy(x, labels: y, inputGradient: true, chunk: batchSize)
        try NPYArray(float32: r.gradient, shape: shape).write(to: output)
        if let losses { try NPYArray(float32: r.losses, shape: [n]).write(to: losses) }
    }
}
