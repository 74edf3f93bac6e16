import Connectivity
import Foundation
import NetworkCore
import Support

/// Where an experiment's networks come from: one saved model (`model`, safetensors, ours or a
/// PyTorch export), or `networks` untrained ones of architecture `arch`, network k initialized
/// from `SeedSequence.derive(seed, "network", k)` with `initialization` (σ_w, σ_b for gaussian:
/// W ~ N(0, σ_w²/fan_in), b ~ N(0, σ_b²), the mean-field convention of Poole et al. 2016).
public struct NetworkSource: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A saved model file (exclusive with `arch`).
    public var model: String? = nil
    /// Architecture spec of untrained networks, e.g. mlp:784-256-256-10 (exclusive with `model`).
    public var arch: String? = nil
    /// Architecture spec for a model file whose metadata has none.
    public var spec: String? = nil
    /// Initialization of untrained networks: default, he, glorot or gaussian.
    public var initialization = "default"
    /// σ_w and σ_b of the gaussian initialization.
    public var sigmaW = 1.0
    public var sigmaB = 0.0
    /// Number of untrained networks (1 for a model file).
    public var networks = 1

    public init(model: String? = nil, arch: String? = nil, spec: String? = nil, initialization: String = "default",
                sigmaW: Double = 1, sigmaB: Double = 0, networks: Int = 1) {
        self.model = model
        self.arch = arch
        self.spec = spec
        self.initialization = initialization
        self.sigmaW = sigmaW
        self.sigmaB = sigmaB
        self.networks = networks
    }

    public func validate() throws {
        guard (model == nil) != (arch == nil) else {
            throw ModeLatticeError.usage("give exactly one network source: a model file or an architecture")
        }
        guard networks >= 1 else { throw ModeLatticeError.invalid("networks", "must be at least 1 (got \(networks))") }
        if model != nil && networks != 1 { throw ModeLatticeError.invalid("networks", "applies to untrained architectures only") }
        if arch != nil { _ = try initializationValue }
    }

    public var networkCount: Int { model == nil ? networks : 1 }

    public var initializationValue: Initialization {
        get throws { try Initialization.named(initialization, sigmaW: sigmaW, sigmaB: sigmaB) }
    }

    /// Network k as a plain `Sequential` (loaded, or freshly initialized).
    public func sequential(_ k: Int, seed: UInt64, generator: String) throws -> Sequential {
        if let model { return try ModelFile.load(model, spec: spec) }
        return try Sequential.random(spec: arch!, initialization: try initializationValue,
                                     seed: SeedSequence.derive(seed, stream: "network", index: k), generator: generator)
    }

    /// Network k as a classifier.
    public func network(_ k: Int, seed: UInt64, generator: String) throws -> NetworkClassifier {
        NetworkClassifier(try sequential(k, seed: seed, generator: generator))
    }

    public var description: String { model.map { "model \($0)" } ?? "random \(arch!) init \(initialization)" }
}
