/// The anisotropic total variation of an image, the smoothness penalty of the input-space protocol
/// (the "high-frequency penalty" of Vrabel et al. 2025, §3.2): for d of shape [C, H, W],
///
///     TV(d) = Σ_c Σ_{h,w} |d[c,h,w+1] − d[c,h,w]| + |d[c,h+1,w] − d[c,h,w]|,
///
/// the L1 norm of horizontal and vertical pixel differences. Its subgradient uses sign(0) = 0.
/// An input that is not an image (no ``ImageGeometry``) has no TV term.
public struct ImageGeometry: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// [C, H, W] as given; [H, W] as one channel; a flat [n] with n a perfect square (an MLP's
    /// flattened image, e.g. 784 = 28²) as one square channel; anything else is not an image.
    public init?(inputShape: [Int]) {
        switch inputShape.count {
        case 3: self.init(channels: inputShape[0], height: inputShape[1], width: inputShape[2])
        case 2: self.init(channels: 1, height: inputShape[0], width: inputShape[1])
        case 1:
            let side = Int(Double(inputShape[0]).squareRoot().rounded())
            guard side > 1, side * side == inputShape[0] else { return nil }
            self.init(channels: 1, height: side, width: side)
        default: return nil
        }
    }

    public var count: Int { channels * height * width }
}

public enum TotalVariation {
    /// TV(d) for d [C, H, W] (flattened).
    public static func value(_ d: [Double], geometry g: ImageGeometry) -> Double {
        var s = 0.0
        for c in 0..<g.channels {
            let base = c * g.height * g.width
            for h in 0..<g.height {
                for w in 0..<g.width {
                    let i = base + h * g.width + w
                    if w + 1 < g.width { s += abs(d[i + 1] - d[i]) }
                    if h + 1 < g.height { s += abs(d[i + g.width] - d[i]) }
                }
            }
        }
        return s
    }

    /// Adds `weight` · ∂TV/∂d to `gradient` (both [C, H, W] flattened).
    public static func addGradient(_ d: [Double], geometry g: ImageGeometry, weight: Double,
                                   into gradient: inout [Double]) {
        guard weight != 0 else { return }
        func sign(_ t: Double) -> Double { t > 0 ? 1 : (t < 0 ? -1 : 0) }
        for c in 0..<g.channels {
            let base = c * g.height * g.width
            for h in 0..<g.height {
                for w in 0..<g.width {
                    let i = base + h * g.width + w
                    if w + 1 < g.width {
                        let s = weight * sign(d[i + 1] - d[i])
                        gradient[i + 1] += s; gradient[i] -= s
                    }
                    if h + 1 < g.height {
                        let s = weight * sign(d[i + g.width] - d[i])
                        gradient[i + g.width] += s; gradient[i] -= s
                    }
                }
            }
        }
    }
}
