import Connectivity
import Foundation
import NetworkCore
import Support

/// Loss barriers on straight paths between two inputs a frozen classifier assigns to one class,
/// and the barrier left after bending the path through optimized points (Vrabel et al. 2025,
/// §3–4.1, §4.3). For a pair (A, C) of class c and the path x(α) = (1−α)A + αC at `points`
/// values of α: barrier_max = max_α CE(x(α), c), barrier_gap = barrier_max − max(CE(A), CE(C)).
///
/// Real inputs are correctly classified test images; interpolated ones are points (1−t)R1 + tR2,
/// t ~ U(0,1), between two such images; synthetic ones come from feature visualization. Pair i
/// uses class i mod (usable classes) (or `onlyClass`) and the seed derive(seed, "input-pairs", i).
public struct InputPairsExperiment: Experiment {
    public enum Kind: String, Codable, Sendable, CaseIterable { case real, interpolated, synthetic }

    public struct Configuration: ExperimentConfiguration {
        /// The classifier: a saved model (the trained network), or one untrained architecture.
        public var network = NetworkSource()
        /// The data whose test split supplies the real inputs.
        public var data = DataSource()
        /// Input kind: real, interpolated or synthetic.
        public var kind = Kind.real
        /// Number of pairs.
        public var pairs = 100
        /// Points per straight path.
        public var points = 250
        /// Use only this class (nil: the usable classes in turn).
        public var onlyClass: Int? = nil
        /// Bend each path through its optimized barrier points and report the new barrier.
        public var bypass = false
        /// Bypass settings (the trained-network preset; its pointsPerSegment must equal `points`).
        public var bypassSettings = BypassSettings.trained
        /// Bypass rounds; each splits every segment with a barrier again (2 rounds: up to 4 segments).
        public var rounds = 1
        /// Feature visualization of synthetic inputs.
        public var featureVisualization = FeatureVisualization()
        /// A named protocol fixing the bypass, rounds, points and synthesis (nil: ours, all adjustable).
        public var `protocol`: ConnectivityProtocol? = nil
        /// Pairs with the largest straight-line gaps whose A, B, B′, C are written as image strips (0: none).
        public var imageStrips = 0
        public init() {}
    }

    public static let identifier = "input_pairs"
    public static let revision = BarrierBypass.revision
    public static let columns = ["pair", "class", "kind", "loss_a", "loss_c", "barrier_max", "barrier_gap",
                                 "bypass_barrier_max", "bypass_barrier_gap", "bypass_deviation", "bypass_status"]
    /// `profiles`: the loss curves in long format (path linear or bypass).
    /// `strips`: loss and predicted class of A, B, B′, C of the image-strip pairs (images in the
    /// `strip_images` file, .npy float32 [strips, 4, C, H, W]).
    public static let extraTables = ["profiles": ["pair", "path", "alpha", "loss"], "strips": ImageStrip.columns]

    public init() {}

    public struct Setup: Sendable {
        var images: CorrectlyClassifiedImages
        var classes: [Int]
    }

    /// One pair's measurements (the checkpointed unit).
    public struct Outcome: Codable, Sendable {
        var pairClass: Int
        var linear: Barrier
        var linearProfile: LossProfile
        var bypass: Barrier?
        var bypassProfile: LossProfile?
        var deviation: Double?
        var orthogonality: Double?
        var steps: Int?
        var bypassStatus: BypassStatus?
    }

    public func validate(_ c: Configuration) throws {
        try InputTables.validateSingle(c.network)
        try c.data.validate()
        guard c.pairs >= 1 else { throw ModeLatticeError.invalid("pairs", "must be at least 1 (got \(c.pairs))") }
        try InputTables.validatePoints(c.points)
        guard c.rounds >= 1 else { throw ModeLatticeError.invalid("rounds", "must be at least 1 (got \(c.rounds))") }
        guard c.imageStrips >= 0 && c.imageStrips <= c.pairs else {
            throw ModeLatticeError.invalid("imageStrips", "must be in 0...pairs (got \(c.imageStrips))")
        }
        if let k = c.onlyClass, k < 0 { throw ModeLatticeError.invalid("onlyClass", "must be a class index of the model (got \(k))") }
        try c.validatePreset()
        guard c.bypassSettings.pointsPerSegment == c.points else {
            throw ModeLatticeError.invalid("bypassSettings", "must have pointsPerSegment equal to points (got \(c.bypassSettings.pointsPerSegment) and \(c.points))")
        }
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> Setup {
        BLAS.setThreads(1)
        let images = try CorrectlyClassifiedImages.load(network: c.network, data: c.data, onlyClass: c.onlyClass,
                                                        needsImages: c.kind != .synthetic, settings: settings)
        let classes = c.onlyClass.map { [$0] } ?? images.usableClasses(minimum: c.kind == .synthetic ? 0 : 2)
        guard !classes.isEmpty else { throw ModeLatticeError.data("no class has two correctly classified test images") }
        return Setup(images: images, classes: classes)
    }

    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] { Array(0..<c.pairs) }

    public func run(_ i: Int, index: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> Outcome {
        let rng = try RandomGenerator(algorithm: settings.generator, seed: SeedSequence.derive(settings.seed, stream: "input-pairs", index: i))
        let k = setup.classes[i % setup.classes.count]
        let classifier = setup.images.classifier
        let (a, cInput) = try Self.endpoints(c, images: setup.images, pairClass: k, rng: rng)
        let (profile, barrier) = try classifier.linearBarrier(from: a, to: cInput, target: k, points: c.points)
        var outcome = Outcome(pairClass: k, linear: barrier, linearProfile: profile)
        if c.bypass {
            let r = try BarrierBypass.run(classifier: classifier, from: a, to: cInput, target: k,
                                          settings: c.bypassSettings, rounds: c.rounds)
            outcome.bypass = r.barrier
            outcome.bypassProfile = r.profile
            outcome.deviation = r.deviation
            outcome.orthogonality = c.bypassSettings.mode == .projected ? r.orthogonality : nil
            outcome.steps = r.points.map(\.steps).max() ?? 0
            outcome.bypassStatus = r.status
        }
        return outcome
    }

    /// The two endpoints of a pair of class `k`.
    static func endpoints(_ c: Configuration, images: CorrectlyClassifiedImages, pairClass k: Int,
                          rng: RandomGenerator) throws -> ([Float], [Float]) {
        switch c.kind {
        case .real:
            let a = images.randomImage(of: k, rng: rng)
            let b = images.randomImage(of: k, rng: rng, excluding: [a])
            return (images.image(a), images.image(b))
        case .interpolated:
            func point() -> [Float] {
                let r1 = images.randomImage(of: k, rng: rng)
                let r2 = images.randomImage(of: k, rng: rng, excluding: [r1])
                let t = Float(rng.uniform())
                return zip(images.image(r1), images.image(r2)).map { $0 + t * ($1 - $0) }
            }
            let a = point()
            return (a, point())
        case .synthetic:
            let a = try c.featureVisualization.synthesize(classifier: images.classifier, target: k, rng: rng)
            let b = try c.featureVisualization.synthesize(classifier: images.classifier, target: k, rng: rng)
            return (a.input, b.input)
        }
    }

    public func products(_ outcomes: [Outcome], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        var curves = Table(columns: Self.extraTables["profiles"]!)
        for (i, o) in outcomes.enumerated() {
            table.append([.int(i), .int(o.pairClass), .text(c.kind.rawValue), .double(o.linear.lossA), .double(o.linear.lossC),
                          .double(o.linear.barrierMax), .double(o.linear.barrierGap),
                          InputTables.double(o.bypass?.barrierMax), InputTables.double(o.bypass?.barrierGap),
                          InputTables.double(o.deviation), o.bypassStatus.map { .text($0.rawValue) } ?? .empty])
            for (alpha, loss) in zip(o.linearProfile.alphas, o.linearProfile.losses) {
                curves.append([.int(i), "linear", .double(alpha), .double(loss)])
            }
            if let p = o.bypassProfile {
                for (alpha, loss) in zip(p.alphas, p.losses) { curves.append([.int(i), "bypass", .double(alpha), .double(loss)]) }
            }
        }
        var products = ExperimentProducts(tables: [ExperimentProducts.mainRole: table, "profiles": curves],
                                          notes: Self.summary(outcomes, bypass: c.bypass))
        if c.imageStrips > 0 {
            let chosen = ImageStrip.largestGaps(outcomes.map(\.linear.barrierGap), count: c.imageStrips)
            let strips = try chosen.map { try strip($0, c, setup, settings) }
            let (t, npy) = ImageStrip.products(strips, imageShape: setup.images.dataset.shape)
            products.tables["strips"] = t
            products.files["strip_images"] = npy
        }
        return products
    }

    /// The image strip of pair `i`, recomputed from its seed exactly as ``run(_:index:_:_:_:)`` made
    /// it: endpoints, straight barrier and (with `bypass`) the first-round bypass point.
    func strip(_ i: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ImageStrip {
        let rng = try RandomGenerator(algorithm: settings.generator, seed: SeedSequence.derive(settings.seed, stream: "input-pairs", index: i))
        let k = setup.classes[i % setup.classes.count]
        let classifier = setup.images.classifier
        let (a, cInput) = try Self.endpoints(c, images: setup.images, pairClass: k, rng: rng)
        let barrier = try classifier.linearBarrier(from: a, to: cInput, target: k, points: c.points).barrier
        var point: [Float]? = nil
        if c.bypass {
            point = try BarrierBypass.run(classifier: classifier, from: a, to: cInput, target: k,
                                          settings: c.bypassSettings, rounds: c.rounds).points.first?.point
        }
        return try ImageStrip.make(pair: i, pairClass: k, a: a, c: cInput, barrier: barrier, bypassPoint: point, classifier: classifier)
    }

    /// Summary lines (sidecar notes): gap statistics and bypass success.
    static func summary(_ outcomes: [Outcome], bypass: Bool) -> [String] {
        let gaps = outcomes.map(\.linear.barrierGap)
        let n = Double(gaps.count)
        var lines = [String(format: "linear: mean barrier_gap %.4g, median %.4g, %.1f%% of pairs with gap > 1e-3, %.1f%% below 0.05",
                            gaps.reduce(0, +) / n, InputTables.median(gaps), 100 * Double(gaps.filter { $0 > 1e-3 }.count) / n,
                            100 * Double(gaps.filter { $0 < 0.05 }.count) / n)]
        guard bypass else { return lines }
        let barriered = outcomes.filter { $0.linear.barrierGap > 1e-3 }
        let removed = barriered.filter { ($0.bypass?.barrierGap ?? .infinity) <= 0.1 * $0.linear.barrierGap }
        let removedSmall = removed.filter { ($0.deviation ?? .infinity) <= 0.05 }
        let devs = barriered.compactMap(\.deviation)
        let within = outcomes.filter { o in (o.bypass?.barrierMax ?? .infinity) <= 1.5 * max(o.linear.lossA, o.linear.lossC) }
        let orthogonality = outcomes.compactMap(\.orthogonality).max().map { String(format: "%.3g", $0) } ?? "n/a (free mode)"
        lines.append(String(format: "bypass: %d of %d pairs with gap > 1e-3 lost >= 90%% of it (%d at deviation <= 5%%); median deviation %.4g, max %.4g; max orthogonality residual %@; max steps %d",
                            removed.count, barriered.count, removedSmall.count, InputTables.median(devs), devs.max() ?? 0,
                            orthogonality, outcomes.compactMap(\.steps).max() ?? 0))
        lines.append(String(format: "bypass: %.1f%% of all pairs end with barrier_max <= 1.5 x the larger endpoint loss; mean bypass gap %.4g",
                            100 * Double(within.count) / n, outcomes.compactMap(\.bypass?.barrierGap).reduce(0, +) / n))
        let capped = outcomes.filter { $0.bypassStatus == .stepCap }.count
        let met = outcomes.filter { $0.bypassStatus == .met }.count
        lines.append("bypass: \(met) pairs met the stopping criterion, \(capped) hit the step cap (best path seen kept), \(outcomes.count - met - capped) had no barrier to bend")
        return lines
    }
}

/// Protocol presets of pairs: the bypass of the configuration's mode (projected: trained networks,
/// one round; free: untrained networks, ``ConnectivityProtocol/untrainedBypassRounds`` rounds),
/// the points per path and segment, and the feature visualization of synthetic inputs.
extension InputPairsExperiment.Configuration: ProtocolConfigurable {
    public func applyingPreset(_ p: ConnectivityProtocol) -> Self {
        var c = self
        c.protocol = p
        c.points = p.pairBarrierPoints
        c.bypassSettings = bypassSettings.mode == .projected ? p.bypass : p.untrainedBypass
        c.bypassSettings.pointsPerSegment = c.points
        c.rounds = bypassSettings.mode == .projected ? 1 : p.untrainedBypassRounds
        c.featureVisualization = p.featureVisualization
        return c
    }

    public func presetFields(_ p: ConnectivityProtocol) throws -> [(field: String, fixed: JSONValue, got: JSONValue)] {
        let fixed = applyingPreset(p)
        return [try presetField("points", fixed.points, points),
                try presetField("rounds", fixed.rounds, rounds),
                try presetField("bypassSettings", fixed.bypassSettings, bypassSettings),
                try presetField("featureVisualization", fixed.featureVisualization, featureVisualization)]
    }
}
