import ArgumentParser
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
    @Option(help: "Examples per pass.") var batch: Int = 512
    @Option(help: "Worker threads for BLAS (default: all cores).") var threads: Int?

    func validate() throws {
        if batch < 1 { throw ValidationError("--batch must be at least 1 (got \(batch)).") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        BLAS.setThreads(threads ?? ParallelMap.defaultThreads)
        let net = try NetworkIO.loadModel(model, spec: spec)
        let (x, n, shape) = try NetworkIO.readInputs(input, for: net)
        let labelArray = try NPYArray.read(from: labels)
        let y: [Int64]
        do { y = try labelArray.integers() } catch let e as ModeLatticeError {
            throw ModeLatticeError.data("'\(labels)': \(e.message)")
        }
        guard labelArray.shape == [n] else {
            throw ModeLatticeError.data("'\(labels)' has shape \(labelArray.shape) but the inputs hold \(n) examples; expected [\(n)]")
        }
        if let bad = y.firstIndex(where: { $0 < 0 || $0 >= Int64(net.outputSize) }) {
            throw ModeLatticeError.data("'\(labels)': label \(y[bad]) at index \(bad) is outside 0..<\(net.outputSize)")
        }
        try AtomicFile.checkWritable(output)
        if let losses { try AtomicFile.checkWritable(losses) }
        let r = net.crossEntropy(x, labels: y.map { Int32($0) }, inputGradient: true, chunk: batch)
        try NPYArray(float32: r.gradient, shape: shape).write(to: output)
        if let losses { try NPYArray(float32: r.losses, shape: [n]).write(to: losses) }
    }
}
