import Support

/// What the barrier detector knows about one test input x (Vrabel et al. 2025, §4.2, detector):
/// its predicted class c, its logits, and the loss curves CE(·, c) along straight paths from x to
/// K real reference images of class c.
public struct DetectionFeatures: Sendable, Codable {
    public var predicted: Int
    /// Confidence baseline: CE(x, c) at the predicted class.
    public var confidence: Double
    /// Mean over references of barrier_max and barrier_gap.
    public var barrierMax: Double
    public var barrierGap: Double
    /// Mean loss curve over references, resampled at `curvePoints` equally spaced α.
    public var curve: [Double]
    /// Logits of x sorted in decreasing order (class-free summary of the output).
    public var sortedLogits: [Double]

    public init(predicted: Int, confidence: Double, barrierMax: Double, barrierGap: Double,
                curve: [Double], sortedLogits: [Double]) {
        self.predicted = predicted
        self.confidence = confidence
        self.barrierMax = barrierMax
        self.barrierGap = barrierGap
        self.curve = curve
        self.sortedLogits = sortedLogits
    }

    /// Input row of the curve classifier.
    public var classifierRow: [Double] { curve + [barrierMax, barrierGap] + sortedLogits }
}

/// The scores compared, higher meaning "more likely adversarial".
public enum DetectionScore: String, Sendable, CaseIterable, Codable {
    case confidence, barrierMax = "barrier_max", barrierGap = "barrier_gap", curveClassifier = "curve_classifier"
}

/// One score's held-out performance, with the scores themselves for ROC curves.
public struct DetectionOutcome: Sendable {
    public var score: DetectionScore
    public var summary: ROCSummary
    /// Held-out scores of real (negatives) and adversarial (positives) inputs.
    public var realScores: [Double]
    public var adversarialScores: [Double]
}

/// Barrier-based detection of adversarial inputs, evaluated beside the confidence baseline.
///
/// Real and adversarial inputs are each split by index parity: even indices fit the curve
/// classifier (L2 logistic regression on ``DetectionFeatures/classifierRow``), odd indices are
/// held out, and every score — confidence, barrier max, barrier gap, curve classifier — is
/// evaluated on the same held-out inputs (AUROC with a stratified bootstrap 95% interval, TPR at 5% FPR).
public enum BarrierDetector {
    /// Features of input `x` against `references` (each [inputSize], real images of x's predicted
    /// class; the caller picks them by the prediction, which is returned in the features).
    public static func features(classifier: some InputClassifier, input x: [Float], predicted: Int,
                                references: [[Float]], points: Int = 250,
                                curvePoints: Int = 16) throws -> DetectionFeatures {
        precondition(!references.isEmpty && curvePoints >= 2)
        let logits = try classifier.logits(x, count: 1).map(Double.init)
        let confidence = try classifier.crossEntropy(x, targets: [predicted])[0]
        var maxSum = 0.0, gapSum = 0.0
        var curve = [Double](repeating: 0, count: curvePoints)
        for r in references {
            let (profile, barrier) = try classifier.linearBarrier(from: x, to: r, target: predicted, points: points)
            maxSum += barrier.barrierMax
            gapSum += barrier.barrierGap
            for j in 0..<curvePoints {
                let at = Int((Double(j) / Double(curvePoints - 1) * Double(profile.losses.count - 1)).rounded())
                curve[j] += profile.losses[at]
            }
        }
        let k = Double(references.count)
        return DetectionFeatures(predicted: predicted, confidence: confidence, barrierMax: maxSum / k,
                                 barrierGap: gapSum / k, curve: curve.map { $0 / k },
                                 sortedLogits: logits.sorted(by: >))
    }

    /// AUROC of a logistic regression on an arbitrary feature row (e.g. the logits alone, as an
    /// ablation of the curve classifier), with the same fit/held-out split as ``evaluate``.
    public static func classifierSummary(real: [DetectionFeatures], adversarial: [DetectionFeatures],
                                         row: (DetectionFeatures) -> [Double], resamples: Int = 1000,
                                         seed: UInt64) throws -> ROCSummary {
        let even = { (v: [DetectionFeatures]) in stride(from: 0, to: v.count, by: 2).map { v[$0] } }
        let odd = { (v: [DetectionFeatures]) in stride(from: 1, to: v.count, by: 2).map { v[$0] } }
        var model = LogisticRegression(lambda: 1e-2)
        try model.fit(even(real).map(row) + even(adversarial).map(row),
                      Array(repeating: false, count: even(real).count) + Array(repeating: true, count: even(adversarial).count))
        return try ROC.summary(positives: odd(adversarial).map { model.probability(row($0)) },
                               negatives: odd(real).map { model.probability(row($0)) }, resamples: resamples, seed: seed)
    }

    /// Fits on the even-index half and evaluates every score on the odd-index half.
    public static func evaluate(real: [DetectionFeatures], adversarial: [DetectionFeatures],
                                resamples: Int = 1000, seed: UInt64) throws -> [DetectionOutcome] {
        let fitReal = stride(from: 0, to: real.count, by: 2).map { real[$0] }
        let fitAdversarial = stride(from: 0, to: adversarial.count, by: 2).map { adversarial[$0] }
        let heldReal = stride(from: 1, to: real.count, by: 2).map { real[$0] }
        let heldAdversarial = stride(from: 1, to: adversarial.count, by: 2).map { adversarial[$0] }
        guard heldReal.count >= 1, heldAdversarial.count >= 1, fitReal.count >= 1, fitAdversarial.count >= 1 else {
            throw ModeLatticeError.data("detection needs at least two real and two adversarial examples (got \(real.count) and \(adversarial.count))")
        }
        var model = LogisticRegression(lambda: 1e-2)
        try model.fit(fitReal.map(\.classifierRow) + fitAdversarial.map(\.classifierRow),
                      Array(repeating: false, count: fitReal.count) + Array(repeating: true, count: fitAdversarial.count))
        var outcomes: [DetectionOutcome] = []
        for score in DetectionScore.allCases {
            func value(_ f: DetectionFeatures) -> Double {
                switch score {
                case .confidence: return f.confidence
                case .barrierMax: return f.barrierMax
                case .barrierGap: return f.barrierGap
                case .curveClassifier: return model.probability(f.classifierRow)
                }
            }
            let negatives = heldReal.map(value), positives = heldAdversarial.map(value)
            let summary = try ROC.summary(positives: positives, negatives: negatives, resamples: resamples,
                                          seed: SeedSequence.derive(seed, stream: "detect-\(score.rawValue)", index: 0))
            outcomes.append(DetectionOutcome(score: score, summary: summary, realScores: negatives,
                                             adversarialScores: positives))
        }
        return outcomes
    }
}
