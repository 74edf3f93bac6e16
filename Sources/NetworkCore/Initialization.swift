import Support

/// Random initializations of weights and biases; every draw comes from a GSL generator.
///
/// For a Linear layer fan_in = in, fan_out = out; for a Conv2d fan_in = C_in·kh·kw and
/// fan_out = C_out·kh·kw (PyTorch's `_calculate_fan_in_and_fan_out`).
/// - `pytorchDefault`: PyTorch's `reset_parameters`: weights kaiming_uniform(a = √5), which is
///   U(−b, b) with b = gain·√(3/fan_in), gain = √(2/(1+a²)) = √(1/3), i.e. b = 1/√fan_in; biases
///   U(−1/√fan_in, 1/√fan_in).
/// - `heNormal`: weights N(0, 2/fan_in) (He et al. 2015, kaiming_normal_ with ReLU gain), biases 0.
/// - `glorotUniform`: weights U(−b, b), b = √(6/(fan_in + fan_out)) (Glorot & Bengio 2010), biases 0.
/// - `gaussian(sigmaW:sigmaB:)`: weights N(0, σ_w²/fan_in), biases N(0, σ_b²) — the mean-field /
///   NNGP parametrization (Poole et al. 2016; Lee et al. 2018).
/// BatchNorm2d always starts at weight 1, bias 0, running mean 0, running variance 1.
public enum Initialization: Sendable, Equatable {
    case pytorchDefault
    case heNormal
    case glorotUniform
    case gaussian(sigmaW: Double, sigmaB: Double)

    /// Parses `default`, `he`, `glorot`, `gaussian` (σ's given separately).
    public static func named(_ name: String, sigmaW: Double = 1, sigmaB: Double = 0) throws -> Initialization {
        switch name.lowercased() {
        case "default", "pytorch": return .pytorchDefault
        case "he", "he-normal", "kaiming": return .heNormal
        case "glorot", "xavier", "glorot-uniform": return .glorotUniform
        case "gaussian", "normal": return .gaussian(sigmaW: sigmaW, sigmaB: sigmaB)
        default:
            throw ModeLatticeError.usage("unknown initialization '\(name)'; use default, he, glorot or gaussian")
        }
    }

    /// Fills an affine layer's weight (fanIn·fanOut/… values) and bias from `rng`.
    func fill(weight: UnsafeMutableBufferPointer<Float>, bias: UnsafeMutableBufferPointer<Float>?,
              fanIn: Int, fanOut: Int, rng: RandomGenerator) {
        let fi = Double(max(1, fanIn)), fo = Double(max(1, fanOut))
        func uniform(_ buffer: UnsafeMutableBufferPointer<Float>, _ bound: Double) {
            for i in buffer.indices { buffer[i] = Float(-bound + 2 * bound * rng.uniform()) }
        }
        func normal(_ buffer: UnsafeMutableBufferPointer<Float>, _ sigma: Double) {
            for i in buffer.indices { buffer[i] = sigma > 0 ? Float(rng.gaussian(sigma: sigma)) : 0 }
        }
        switch self {
        case .pytorchDefault:
            uniform(weight, 1 / fi.squareRoot())
            if let bias { uniform(bias, 1 / fi.squareRoot()) }
        case .heNormal:
            normal(weight, (2 / fi).squareRoot())
            if let bias { bias.update(repeating: 0) }
        case .glorotUniform:
            uniform(weight, (6 / (fi + fo)).squareRoot())
            if let bias { bias.update(repeating: 0) }
        case .gaussian(let sw, let sb):
            normal(weight, sw / fi.squareRoot())
            if let bias { normal(bias, sb) }
        }
    }
}
