import NetworkCore
import Support

/// Loss and accuracy of a classifier along straight segments in parameter space, on a training
/// subset and on the test set (the measurements of Lin, Li & Wu, arXiv 2404.06391, Tables 1–2).
///
/// A segment θ(t) = (1−t)θ_a + tθ_b is sampled at P points t_k = k/(P−1) (``ParameterPath``'s grid
/// and interpolation). Barriers use the training-subset loss (the risk the minima and centers
/// minimize): for a path, max over all its points minus the larger endpoint loss (as
/// ``ParameterPath/barrier(points:loss:)``); minimum accuracies use the test set.
public struct StarPathEvaluator: Sendable {
    public let template: Sequential
    public let train: Dataset
    public let test: Dataset

    public init(template: Sequential, train: Dataset, test: Dataset) {
        self.template = template
        self.train = train
        self.test = test
    }

    /// Loss and accuracy on both sets at θ [P].
    public func evaluate(_ theta: [Float]) -> PathPoint {
        var model = template
        model.parameters = theta
        let ws = Workspace(model: model, capacity: min(1024, max(train.count, test.count, 1)))
        let a = model.evaluate(train.images, labels: train.labels, workspace: ws)
        let b = model.evaluate(test.images, labels: test.labels, workspace: ws)
        return PathPoint(trainLoss: a.loss, trainAccuracy: a.accuracy, testLoss: b.loss, testAccuracy: b.accuracy)
    }

    /// The segment a → b at `points` evenly spaced t (ends included); `onPoint` after each point.
    public func segment(_ a: [Float], _ b: [Float], points: Int, onPoint: () -> Void = {}) -> SegmentEvaluation {
        let ts = (0..<points).map { Double($0) / Double(max(points - 1, 1)) }
        let values = ts.map { t -> PathPoint in
            let p = evaluate(ParameterPath<Float>.interpolate(a, b, t))
            onPoint()
            return p
        }
        return SegmentEvaluation(t: ts, points: values)
    }
}

/// Loss and accuracy at one point of parameter space.
public struct PathPoint: Sendable, Equatable, Codable {
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testLoss: Double
    public var testAccuracy: Double
}

/// One sampled segment: t [P] and the measurements there [P].
public struct SegmentEvaluation: Sendable, Codable {
    public var t: [Double]
    public var points: [PathPoint]

    /// The training-loss profile (``SegmentProfile``, for barriers).
    public var trainProfile: SegmentProfile { SegmentProfile(t: t, loss: points.map(\.trainLoss)) }
    public var minTestAccuracy: Double { points.map(\.testAccuracy).min() ?? 0 }

    /// The same segment traversed backwards (b → a).
    public var reversed: SegmentEvaluation {
        SegmentEvaluation(t: t, points: points.reversed())
    }

    /// Barrier of a polygonal path made of `segments` in order: max training loss anywhere minus
    /// the larger of the path's first and last training losses.
    public static func pathBarrier(_ segments: [SegmentEvaluation]) -> Double {
        guard let first = segments.first?.points.first, let last = segments.last?.points.last else { return 0 }
        let peak = segments.flatMap { $0.points.map(\.trainLoss) }.max() ?? 0
        return peak - max(first.trainLoss, last.trainLoss)
    }

    /// max training loss along the segment minus its start's (θ_a's) training loss: the rise a
    /// spoke θ_k → center adds to any two-piece path through that center (0 only when the loss
    /// never exceeds θ_k's).
    public var riseFromStart: Double {
        guard let first = points.first else { return 0 }
        return (points.map(\.trainLoss).max() ?? first.trainLoss) - first.trainLoss
    }

    /// Minimum test accuracy along the whole path.
    public static func pathMinAccuracy(_ segments: [SegmentEvaluation]) -> Double {
        segments.map(\.minTestAccuracy).min() ?? 0
    }
}
