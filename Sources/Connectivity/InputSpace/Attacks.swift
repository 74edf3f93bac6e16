import Support

/// What an attack aims at: make the model output `class` (targeted), or move it away from the
/// true class (untargeted).
public enum AttackGoal: Sendable, Equatable {
    case targeted(Int)
    case untargeted(trueClass: Int)

    /// The class whose CE the attack descends (targeted) or ascends (untargeted), and the sign.
    var classAndSign: (Int, Double) {
        switch self {
        case .targeted(let c): return (c, -1)
        case .untargeted(let y): return (y, 1)
        }
    }
}

/// An adversarial input and how it was obtained.
public struct AttackResult: Sendable {
    /// [inputSize]
    public var input: [Float]
    /// CE of the goal's class at the result.
    public var loss: Double
    public var steps: Int
    /// The model's prediction at the result.
    public var prediction: Int
    /// Targeted: prediction == target; untargeted: prediction != true class.
    public var succeeded: Bool
}

/// Optional valid-value box for inputs (e.g. [0, 1] pixels); attacks clip into it.
public struct InputBox: Sendable, Equatable {
    public var lower: Float
    public var upper: Float
    public init(lower: Float, upper: Float) { self.lower = lower; self.upper = upper }
    @inline(__always) func clip(_ v: Double) -> Double { min(max(v, Double(lower)), Double(upper)) }
}

/// The targeted attack of the input-space protocol (Vrabel et al. 2025, §4.2): from a real image S
/// of another class, minimize
///     CE(x, target) + w·mean((x − S)²) + λ_tv·TV(x − S)
/// by Adam (lr 0.005, w = 0.1, λ_tv = 1e-8) for at most 1024 steps, stopping as soon as CE(x)
/// drops below `stopLoss`, the CE of the real reference image, so the endpoint losses of the
/// real–adversarial pair match.
public struct TargetedAttack: Sendable {
    public var learningRate = 0.005
    public var iterations = 1024
    public var deviationWeight = 0.1
    public var tvWeight = 1e-8
    public var box: InputBox? = nil

    public init() {}

    public func run(classifier: some InputClassifier, source: [Float], target: Int,
                    stopLoss: Double) throws -> AttackResult {
        let n = source.count
        let s = source.map(Double.init)
        let geometry = ImageGeometry(inputShape: classifier.inputShape)
        var adam = InputAdam(count: n, learningRate: learningRate)
        var x = s
        var steps = 0
        var loss = 0.0
        while true {
            var (l, gradient) = try classifier.lossAndGradient(x, target: target)
            loss = l
            if l < stopLoss || steps >= iterations { break }
            let d = (0..<n).map { x[$0] - s[$0] }
            for i in 0..<n { gradient[i] += 2 * deviationWeight / Double(n) * d[i] }
            if let geometry, geometry.count == n {
                TotalVariation.addGradient(d, geometry: geometry, weight: tvWeight, into: &gradient)
            }
            let step = adam.step(gradient: gradient, at: x)
            for i in 0..<n { x[i] = box?.clip(x[i] + step[i]) ?? (x[i] + step[i]) }
            steps += 1
        }
        return try finish(classifier, x, loss, steps, .targeted(target))
    }
}

/// Fast gradient sign method (Goodfellow, Shlens & Szegedy 2015): one L∞ step of size ε,
///     x′ = x + ε·sign(∇ₓCE(x, y))   (untargeted),   x′ = x − ε·sign(∇ₓCE(x, t))   (targeted),
/// clipped to the input box.
public struct FGSMAttack: Sendable {
    public var epsilon: Double
    public var box: InputBox? = nil

    public init(epsilon: Double) { self.epsilon = epsilon }

    public func run(classifier: some InputClassifier, source: [Float], goal: AttackGoal) throws -> AttackResult {
        let (c, sign) = goal.classAndSign
        let x = source.map(Double.init)
        let (_, g) = try classifier.lossAndGradient(x, target: c)
        let out = (0..<x.count).map { i -> Double in
            let v = x[i] + sign * epsilon * signum(g[i])
            return box?.clip(v) ?? v
        }
        let (l, _) = try classifier.lossAndGradient(out, target: c)
        return try finish(classifier, out, l, 1, goal)
    }
}

/// Projected gradient descent in the L∞ ball (Madry et al. 2018): `steps` sign-gradient steps of
/// size `stepSize`, each followed by projection onto {‖x′ − x‖∞ ≤ ε} ∩ box; optionally from a
/// uniform random start in the ball (GSL generator).
public struct PGDAttack: Sendable {
    public var epsilon: Double
    public var stepSize: Double
    public var steps: Int
    public var randomStart = false
    public var box: InputBox? = nil

    public init(epsilon: Double, stepSize: Double, steps: Int) {
        self.epsilon = epsilon
        self.stepSize = stepSize
        self.steps = steps
    }

    public func run(classifier: some InputClassifier, source: [Float], goal: AttackGoal,
                    rng: RandomGenerator? = nil) throws -> AttackResult {
        let (c, sign) = goal.classAndSign
        let s = source.map(Double.init)
        func project(_ v: Double, _ i: Int) -> Double {
            let p = min(max(v, s[i] - epsilon), s[i] + epsilon)
            return box?.clip(p) ?? p
        }
        var x = s
        if randomStart, let rng {
            for i in x.indices { x[i] = project(s[i] + epsilon * (2 * rng.uniform() - 1), i) }
        }
        for _ in 0..<steps {
            let (_, g) = try classifier.lossAndGradient(x, target: c)
            for i in x.indices { x[i] = project(x[i] + sign * stepSize * signum(g[i]), i) }
        }
        let (l, _) = try classifier.lossAndGradient(x, target: c)
        return try finish(classifier, x, l, steps, goal)
    }
}

@inline(__always) func signum(_ t: Double) -> Double { t > 0 ? 1 : (t < 0 ? -1 : 0) }

private func finish(_ classifier: some InputClassifier, _ x: [Double], _ loss: Double, _ steps: Int,
                    _ goal: AttackGoal) throws -> AttackResult {
    let input = x.map { Float($0) }
    let prediction = try classifier.predictions(input, count: 1)[0]
    let succeeded: Bool
    switch goal {
    case .targeted(let t): succeeded = prediction == t
    case .untargeted(let y): succeeded = prediction != y
    }
    return AttackResult(input: input, loss: loss, steps: steps, prediction: prediction, succeeded: succeeded)
}
