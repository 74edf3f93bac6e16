import Support

/// Short, readable architecture specs, built into ``Sequential`` models whose module indices match
/// a PyTorch `nn.Sequential` of the same layers (so state_dict names agree).
///
/// Grammar:
///
///     spec   := mlp | cnn | resnet
///     resnet := ("resnet18" | "resnet18-cifar") [":" key=value ("," key=value)*]   see ``ResNet``
///     mlp    := "mlp:" D ("-" width)+ [":" act]          act ∈ relu (default), tanh, gelu
///     cnn    := "cnn:" C "x" H "x" W ":" token ("-" token)*
///     token  := "c" O "k" k ["s" s] ["p" p] ["n"]   Conv2d(C→O, kernel k, stride s=1, padding p=0);
///                                                    trailing "n": no bias
///             | "m" k ["s" s] ["p" p]              MaxPool2d(k, stride s=k, padding p=0)
///             | "a" k ["s" s] ["p" p]              AvgPool2d(k, stride s=k, padding p=0)
///             | "b"                                BatchNorm2d(channels so far), inference mode
///             | "r" | "t" | "g"                    ReLU | Tanh | GELU
///             | "f"                                Flatten
///             | "l" O                              Linear(features so far → O)
///
/// `mlp:784-256-256-10` is Linear(784,256), ReLU, Linear(256,256), ReLU, Linear(256,10): modules
/// 0–4, parameters `0.weight`, `0.bias`, `2.weight`, … . Input is [D] (a 28×28 image flattened).
/// Examples for 28×28 inputs:
///   LeNet-5 style: `cnn:1x28x28:c6k5p2-t-a2-c16k5-t-a2-f-l120-t-l84-t-l10`
///   small VGG:     `cnn:1x28x28:c32k3p1-r-c32k3p1-r-m2-c64k3p1-r-c64k3p1-r-m2-f-l256-r-l10`
///   classic CNN:   `cnn:1x28x28:c32k5p2-r-m2-c64k5p2-r-m2-f-l1024-r-l10`
/// A Linear after a convolution needs an explicit `f` (as in PyTorch). BatchNorm2d has no
/// training mode yet: training a spec with `b` learns γ and β with the running statistics fixed.
public enum ArchitectureSpec {
    /// The model of `spec` with zero parameters (initialize or load next).
    public static func build(_ specText: String) throws -> Sequential {
        let spec = specText.trimmingCharacters(in: .whitespaces)
        if let resnet = try ResNet.parse(spec) { return resnet }   // resnet18, resnet18-cifar (see ``ResNet``)
        func fail(_ why: String) -> ModeLatticeError {
            .usage("cannot parse model spec '\(spec)': \(why); examples: mlp:784-256-256-10, mlp:784-256-10:tanh, cnn:1x28x28:c32k5p2-r-m2-f-l10")
        }
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { throw fail("expected 'mlp:' or 'cnn:' followed by layers") }
        switch parts[0] {
        case "mlp":
            guard parts.count <= 3 else { throw fail("too many ':' sections") }
            let widths = parts[1].split(separator: "-", omittingEmptySubsequences: false).map { size($0) }
            guard widths.count >= 2, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw fail("widths must be positive integers (at most \(maxSize)) joined by '-', at least input and output")
            }
            let kind: Activation.Kind
            if parts.count == 3 {
                guard let k = Activation.Kind(rawValue: parts[2]) else { throw fail("unknown activation '\(parts[2])' (relu, tanh, gelu)") }
                kind = k
            } else { kind = .relu }
            let w = widths.map { $0! }
            var layers: [any Layer] = []
            for i in 0..<(w.count - 1) {
                layers.append(Linear(w[i], w[i + 1]))
                if i < w.count - 2 { layers.append(Activation(kind, shape: [w[i + 1]])) }
            }
            return try Sequential(spec: spec, inputShape: [w[0]], layers: layers)
        case "cnn":
            guard parts.count == 3 else { throw fail("expected cnn:CxHxW:tokens") }
            let dims = parts[1].split(separator: "x", omittingEmptySubsequences: false).map { size($0) }
            guard dims.count == 3, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw fail("input shape '\(parts[1])' must be CxHxW with positive sizes (at most \(maxSize))")
            }
            let input = dims.map { $0! }
            var shape = input
            var layers: [any Layer] = []
            for token in parts[2].split(separator: "-", omittingEmptySubsequences: false).map(String.init) {
                guard let head = token.first else { throw fail("empty layer token") }
                guard CheckedSize.product(shape, limit: Sequential.maxExampleSize) != nil else {
                    throw fail("'\(token)' receives \(shape), more than \(Sequential.maxExampleSize) values per example")
                }
                let image = shape.count == 3
                func needImage() throws {
                    guard image else { throw fail("'\(token)' needs an image (C×H×W) input but gets \(shape) after flatten") }
                }
                let layer: any Layer
                switch head {
                case "c":
                    try needImage()
                    var body = Substring(token.dropFirst())
                    var bias = true
                    if body.hasSuffix("n") { bias = false; body = body.dropLast() }
                    guard let f = fields(body, keys: ["", "k", "s", "p"]), let o = f[""], let k = f["k"], o > 0, k > 0 else {
                        throw fail("convolution '\(token)' must look like c32k5, c32k3s2p1 or c64k3p1n")
                    }
                    let s = f["s"] ?? 1, p = f["p"] ?? 0
                    guard s > 0, p >= 0, shape[1] + 2 * p >= k, shape[2] + 2 * p >= k else {
                        throw fail("convolution '\(token)' does not fit input \(shape)")
                    }
                    layer = Conv2d(inChannels: shape[0], outChannels: o, kernel: k, stride: s, padding: p,
                                   height: shape[1], width: shape[2], bias: bias)
                case "m", "a":
                    try needImage()
                    guard let f = fields(token.dropFirst(), keys: ["", "s", "p"]), let k = f[""], k > 0 else {
                        throw fail("pooling '\(token)' must look like m2, m3s2 or a2")
                    }
                    let s = f["s"] ?? k, p = f["p"] ?? 0
                    guard s > 0, p >= 0, 2 * p <= k, shape[1] + 2 * p >= k, shape[2] + 2 * p >= k else {
                        throw fail("pooling '\(token)' does not fit input \(shape) (and padding must be at most half the kernel)")
                    }
                    layer = head == "m"
                        ? MaxPool2d(kernel: k, stride: s, padding: p, channels: shape[0], height: shape[1], width: shape[2])
                        : AvgPool2d(kernel: k, stride: s, padding: p, channels: shape[0], height: shape[1], width: shape[2])
                case "b":
                    try needImage()
                    guard token == "b" else { throw fail("batch norm is written 'b'") }
                    layer = BatchNorm2d(channels: shape[0], height: shape[1], width: shape[2])
                case "r", "t", "g":
                    guard token.count == 1 else { throw fail("activation '\(token)' takes no arguments") }
                    layer = Activation(head == "r" ? .relu : head == "t" ? .tanh : .gelu, shape: shape)
                case "f":
                    guard token == "f" else { throw fail("flatten is written 'f'") }
                    layer = Flatten(inputShape: shape)
                case "l":
                    guard let o = size(token.dropFirst()), o > 0 else { throw fail("linear '\(token)' must look like l10 (at most \(maxSize) features)") }
                    guard shape.count == 1 else { throw fail("linear '\(token)' needs a flat input; add 'f' before it") }
                    layer = Linear(shape[0], o)
                default:
                    throw fail("unknown layer token '\(token)'")
                }
                shape = layer.outputShape
                layers.append(layer)
            }
            return try Sequential(spec: spec, inputShape: input, layers: layers)
        default:
            throw fail("unknown family '\(parts[0])'")
        }
    }

    /// The largest size (width, channels, kernel, stride, padding, image side, classes) a spec may
    /// name: 2²⁴. With every size bounded, shapes and parameter counts are formed without overflow
    /// and ``Sequential`` can check the model's total size before allocating it.
    public static let maxSize = 1 << 24

    /// A size written in a spec: a non-negative decimal integer of at most ``maxSize``.
    static func size<S: StringProtocol>(_ text: S) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), text.count <= 9,
              let v = Int(text), v <= maxSize else { return nil }
        return v
    }

    /// Parses "32k5s2p1" into ["": 32, "k": 5, "s": 2, "p": 1]; nil on any other text.
    static func fields(_ text: Substring, keys: Set<String>) -> [String: Int]? {
        var out: [String: Int] = [:]
        var key = ""
        var digits = ""
        func flush() -> Bool {
            guard !digits.isEmpty, let v = size(digits), keys.contains(key), out[key] == nil else { return false }
            out[key] = v
            return true
        }
        for ch in text {
            if ch.isASCII && ch.isNumber {
                digits.append(ch)
            } else {
                guard flush() else { return nil }   // every key needs its digits
                key = String(ch)
                digits = ""
            }
        }
        guard flush() else { return nil }
        return out
    }
}
