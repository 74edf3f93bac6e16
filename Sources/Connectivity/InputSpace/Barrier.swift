import Support

/// The loss barrier of a path between two inputs A and C of the same target class (Vrabel et al.
/// 2025, §3.1):
///
///     barrier_max = max_α L(α),    barrier_gap = barrier_max − max(L(A), L(C)),
///
/// with L the cross-entropy of the target class. barrier_gap ≥ 0, and it is 0 exactly when no
/// point on the sampled path is worse than the worse endpoint (e.g. any straight path of a
/// softmax-linear model, where L is convex in α).
public struct Barrier: Sendable, Codable, Equatable {
    public var lossA: Double
    public var lossC: Double
    public var barrierMax: Double
    public var barrierGap: Double
    /// Index into the profile and path coordinate of the highest-loss point.
    public var argmax: Int
    public var alphaAtMax: Double

    public init(profile: LossProfile) {
        precondition(!profile.losses.isEmpty)
        lossA = profile.losses[0]
        lossC = profile.losses[profile.losses.count - 1]
        var best = 0
        for i in profile.losses.indices where profile.losses[i] > profile.losses[best] { best = i }
        argmax = best
        alphaAtMax = profile.alphas[best]
        barrierMax = profile.losses[best]
        barrierGap = max(0, barrierMax - max(lossA, lossC))
    }
}

extension InputClassifier {
    /// The loss profile and barrier of the straight path A → C at `points` points.
    public func linearBarrier(from a: [Float], to c: [Float], target: Int,
                              points: Int = 250) throws -> (profile: LossProfile, barrier: Barrier) {
        let profile = try LossProfile.along(InputPolyline(from: a, to: c), classifier: self,
                                            target: target, pointsPerSegment: points)
        return (profile, Barrier(profile: profile))
    }

    /// CE of `target` and its input gradient at one input, in Double.
    func lossAndGradient(_ x: [Double], target: Int) throws -> (loss: Double, gradient: [Double]) {
        let r = try crossEntropyWithInputGradient(x.map { Float($0) }, targets: [target])
        guard let l = r.losses.first, l.isFinite else {
            throw ModeLatticeError.software("the model returned a non-finite cross-entropy")
        }
        return (Double(l), r.gradients.map(Double.init))
    }
}
