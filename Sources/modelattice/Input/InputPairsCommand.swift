import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice input pairs`: loss barriers on straight paths between two inputs the model assigns
/// to one class, and (with --bypass) the barrier left after bending the path through an optimized
/// point (Vrabel et al. 2025, §3–4.1, §4.3).
struct InputPairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Loss barriers between same-class inputs (real, interpolated or synthetic) and their bypass.",
        discussion: """
            Columns: pair,class,kind,loss_a,loss_c,barrier_max,barrier_gap,bypass_barrier_max,bypass_barrier_gap,bypass_deviation,\
            bypass_status (bypass columns empty without --bypass). bypass_status is met (every optimized point met its \
            criterion), step_cap (one ran all its steps; always so with --no-early-stop) or no_barrier (nothing to bend). \
            The bypass returns the best path it has seen, never one higher than the straight path. Loss = cross-entropy of the pair's class. Real inputs are correctly \
            classified test images; interpolated ones are points (1-t)R1 + tR2, t ~ U(0,1), between two such images; \
            synthetic ones come from feature visualization. Pair i uses class i mod classes (or --class) and its own seed.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case real, interpolated, synthetic }
    enum BypassMode: String, ExpressibleByArgument, CaseIterable { case projected, free }

    @OptionGroup var input: InputModelOptions
    @Option(help: "Input kind: real, interpolated or synthetic.") var kind: Kind = .real
    @Option(help: "Number of pairs.") var pairs: Int
    @Option(name: .customLong("class"), help: "Use only this class (default: classes in turn).") var classIndex: Int?
    @Flag(help: "Bend each path through its optimized barrier point and report the new barrier.") var bypass = false
    @Option(help: "Bypass: projected (trained networks: B'-B orthogonal to C-A, Adam lr 0.005, <= 1024 steps, early stop) or free (untrained: Adam lr 0.05, wd 1e-7, <= 4096 steps, stop at CE < 5e-4).")
    var bypassMode: BypassMode = .projected
    @Option(help: "Bypass rounds; each splits every segment with a barrier again (2 rounds: up to 4 segments).") var rounds: Int = 1
    @Flag(help: "Bypass without early stop (all iterations).") var noEarlyStop = false
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @Option(help: "Also write loss curves in long format: pair,path,alpha,loss (path linear or bypass).") var profiles: String?
    @OptionGroup var options: RunOptions

    func validate() throws {
        if pairs < 1 { throw ValidationError("--pairs must be at least 1 (got \(pairs)).") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1 (got \(rounds)).") }
        if let c = classIndex, c < 0 { throw ValidationError("--class must be a class index of the model (got \(c)).") }
    }

    /// One pair's measurements (the checkpointed unit).
    struct Outcome: Codable, Sendable {
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

    func run() throws {
        let started = Date()
        BLAS.setThreads(1)
        let world = try InputWorld.load(input, classOption: classIndex, needsImages: kind != .synthetic)
        try AtomicFile.checkWritable(output)
        if let profiles { try AtomicFile.checkWritable(profiles) }
        let classes = classIndex.map { [$0] } ?? world.usableClasses(minimum: kind == .real ? 2 : (kind == .interpolated ? 2 : 0))
        guard !classes.isEmpty else {
            throw ModeLatticeError.data("no class has two correctly classified test images")
        }
        var bypassSettings: BypassSettings = bypassMode == .projected ? .trained : .untrained
        bypassSettings.pointsPerSegment = input.points
        if noEarlyStop { bypassSettings.earlyStop = false }
        let settings = bypassSettings
        let parameters = InputOutput.parameters([
            ("model", input.model), ("dataset", input.data.recordedName(.test)), ("kind", kind.rawValue), ("pairs", pairs),
            ("points", input.points), ("class", classIndex), ("bypass", bypass), ("bypass_mode", bypassMode.rawValue),
            ("rounds", rounds), ("early_stop", !noEarlyStop)])
        let checkpoint = try Checkpoint<Outcome>(output: output, fingerprint: InputOutput.fingerprint(
            "input pairs", parameters.merging(["bypass_revision": String(BarrierBypass.revision)]) { $1 },
            seed: options.seed, generator: options.generator))
        let progress = ProgressLine("input pairs", total: pairs, quiet: options.quiet)
        let seed = options.seed, generator = options.rng, kind = self.kind, points = input.points
        let bypass = self.bypass, rounds = self.rounds
        let outcomes = try UnitRunner.run(count: pairs, threads: options.threadCount, checkpoint: checkpoint,
                                          progress: progress) { i in
            let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "input-pairs", index: i))
            let c = classes[i % classes.count]
            let (a, cInput) = try Self.endpoints(kind: kind, world: world, pairClass: c, rng: rng)
            let (profile, barrier) = try world.classifier.linearBarrier(from: a, to: cInput, target: c, points: points)
            var outcome = Outcome(pairClass: c, linear: barrier, linearProfile: profile)
            if bypass {
                let r = try BarrierBypass.run(classifier: world.classifier, from: a, to: cInput, target: c,
                                              settings: settings, rounds: rounds)
                outcome.bypass = r.barrier
                outcome.bypassProfile = r.profile
                outcome.deviation = r.deviation
                outcome.orthogonality = settings.mode == .projected ? r.orthogonality : nil
                outcome.steps = r.points.map(\.steps).max() ?? 0
                outcome.bypassStatus = r.status
            }
            return outcome
        }
        progress.finish()

        var table = Table(columns: ["pair", "class", "kind", "loss_a", "loss_c", "barrier_max", "barrier_gap",
                                    "bypass_barrier_max", "bypass_barrier_gap", "bypass_deviation", "bypass_status"])
        var curves = Table(columns: ["pair", "path", "alpha", "loss"])
        for (i, o) in outcomes.enumerated() {
            table.append([.int(i), .int(o.pairClass), .text(kind.rawValue), .double(o.linear.lossA), .double(o.linear.lossC),
                          .double(o.linear.barrierMax), .double(o.linear.barrierGap),
                          InputOutput.double(o.bypass?.barrierMax), InputOutput.double(o.bypass?.barrierGap),
                          InputOutput.double(o.deviation), o.bypassStatus.map { .text($0.rawValue) } ?? .empty])
            for (alpha, loss) in zip(o.linearProfile.alphas, o.linearProfile.losses) {
                curves.append([.int(i), "linear", .double(alpha), .double(loss)])
            }
            if let p = o.bypassProfile {
                for (alpha, loss) in zip(p.alphas, p.losses) { curves.append([.int(i), "bypass", .double(alpha), .double(loss)]) }
            }
        }
        let notes = Self.summary(outcomes, bypass: bypass)
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: notes)
        try table.write(to: output, record: record)
        if let profiles { try curves.write(to: profiles, record: record) }
        checkpoint.finish()
        for line in notes { print(line) }
    }

    /// The two endpoints of pair `i` of class `c`.
    static func endpoints(kind: Kind, world: InputWorld, pairClass c: Int, rng: RandomGenerator) throws -> ([Float], [Float]) {
        switch kind {
        case .real:
            let a = world.randomImage(of: c, rng: rng)
            let b = world.randomImage(of: c, rng: rng, excluding: [a])
            return (world.image(a), world.image(b))
        case .interpolated:
            func point() -> [Float] {
                let r1 = world.randomImage(of: c, rng: rng)
                let r2 = world.randomImage(of: c, rng: rng, excluding: [r1])
                let t = Float(rng.uniform())
                return zip(world.image(r1), world.image(r2)).map { $0 + t * ($1 - $0) }
            }
            let a = point()
            return (a, point())
        case .synthetic:
            let fv = FeatureVisualization()
            let a = try fv.synthesize(classifier: world.classifier, target: c, rng: rng)
            let b = try fv.synthesize(classifier: world.classifier, target: c, rng: rng)
            return (a.input, b.input)
        }
    }

    /// Summary lines (stdout and sidecar notes): gap statistics and bypass success.
    static func summary(_ outcomes: [Outcome], bypass: Bool) -> [String] {
        let gaps = outcomes.map(\.linear.barrierGap)
        let n = Double(gaps.count)
        var lines = [String(format: "linear: mean barrier_gap %.4g, median %.4g, %.1f%% of pairs with gap > 1e-3, %.1f%% below 0.05",
                            gaps.reduce(0, +) / n, median(gaps), 100 * Double(gaps.filter { $0 > 1e-3 }.count) / n,
                            100 * Double(gaps.filter { $0 < 0.05 }.count) / n)]
        if bypass {
            let barriered = outcomes.filter { $0.linear.barrierGap > 1e-3 }
            let removed = barriered.filter { ($0.bypass?.barrierGap ?? .infinity) <= 0.1 * $0.linear.barrierGap }
            let removedSmall = removed.filter { ($0.deviation ?? .infinity) <= 0.05 }
            let devs = barriered.compactMap(\.deviation)
            let within = outcomes.filter { o in
                (o.bypass?.barrierMax ?? .infinity) <= 1.5 * max(o.linear.lossA, o.linear.lossC)
            }
            lines.append(String(format: "bypass: %d of %d pairs with gap > 1e-3 lost >= 90%% of it (%d at deviation <= 5%%); median deviation %.4g, max %.4g; max orthogonality residual %@; max steps %d",
                                removed.count, barriered.count, removedSmall.count, median(devs), devs.max() ?? 0,
                                outcomes.compactMap(\.orthogonality).max().map { String(format: "%.3g", $0) } ?? "n/a (free mode)", outcomes.compactMap(\.steps).max() ?? 0))
            lines.append(String(format: "bypass: %.1f%% of all pairs end with barrier_max <= 1.5 x the larger endpoint loss; mean bypass gap %.4g",
                                100 * Double(within.count) / n, outcomes.compactMap(\.bypass?.barrierGap).reduce(0, +) / n))
            let capped = outcomes.filter { $0.bypassStatus == .stepCap }.count
            let met = outcomes.filter { $0.bypassStatus == .met }.count
            lines.append("bypass: \(met) pairs met the stopping criterion, \(capped) hit the step cap (best path seen kept), \(outcomes.count - met - capped) had no barrier to bend")
        }
        return lines
    }

    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
