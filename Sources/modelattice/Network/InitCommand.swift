import ArgumentParser
import NetworkCore
import Support

/// `modelattice init`: writes an untrained random network (seeded from GSL).
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a randomly initialized (untrained) network as safetensors.",
        discussion: "default = PyTorch (weights U(±1/√fan_in), biases U(±1/√fan_in)); he = N(0, 2/fan_in), bias 0; glorot = U(±√(6/(fan_in+fan_out))), bias 0; gaussian = weights N(0, σ_w²/fan_in), biases N(0, σ_b²).")

    @Option(help: "Architecture spec, e.g. mlp:784-256-256-10 (required).") var arch: String?
    @Option(name: .customLong("model"), help: .hidden) var renamedModel: String?
    @Option(help: "Initialization: default, he, glorot or gaussian.") var `init`: String = "default"
    @Option(help: "σ_w for --init gaussian (weight variance σ_w²/fan_in).") var sigmaW: Double = 1
    @Option(help: "σ_b for --init gaussian (bias variance σ_b²).") var sigmaB: Double = 0
    @Option(help: "Output model file (.safetensors).") var output: String
    @OptionGroup var options: RunOptions

    func validate() throws {
        if renamedModel != nil { throw ValidationError("--model names a saved model file; give the architecture with --arch SPEC") }
        guard arch != nil else { throw ValidationError("give the architecture with --arch SPEC") }
        if !(sigmaW >= 0) || !sigmaW.isFinite { throw ValidationError("--sigma-w must be a finite number ≥ 0 (got \(sigmaW)).") }
        if !(sigmaB >= 0) || !sigmaB.isFinite { throw ValidationError("--sigma-b must be a finite number ≥ 0 (got \(sigmaB)).") }
    }

    func run() throws {
        let scheme = try Initialization.named(`init`, sigmaW: sigmaW, sigmaB: sigmaB)
        var net = try ArchitectureSpec.build(arch!)
        try net.initialize(scheme, seed: options.seed, generator: options.rng)
        try ModelFile.save(net, to: output, metadata: ["init": `init`, "seed": String(options.seed), "generator": options.generator])
        print("wrote \(output) (\(arch!), \(net.parameterCount) parameters, init \(`init`), seed \(options.seed))")
    }
}
