import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice input adversarial`: barriers between a real image of a class and an adversarial
/// input made to look like that class, beside real–real pairs of the same class (Vrabel et al.
/// 2025, §4.2, Fig. 6).
struct InputAdversarialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adversarial",
        abstract: "Barriers of real-real vs real-adversarial pairs of one class.",
        discussion: """
            Columns: pair,pair_type,source_class,target_class,loss_a,loss_c,barrier_max,barrier_gap. Pair i has target \
            class t = i mod classes (or --class) and real reference A (a correctly classified test image of t); its \
            real-real row joins A to another such image, its real-adversarial row joins A to an attack on a real \
            image of a random other class. The targeted attack stops once its CE falls below CE(A) so endpoint losses \
            match; FGSM and PGD are targeted at t with radius --epsilon. Pixels stay in [0,1].
            """)

    @OptionGroup var input: InputModelOptions
    @Option(help: "Attack: targeted (the paper's), fgsm or pgd.") var attack: AttackKind = .targeted
    @OptionGroup var attackOptions: AttackOptions
    @Option(help: "Number of pairs (each gives a real-real and a real-adversarial row).") var pairs: Int
    @Option(name: .customLong("class"), help: "Use only this target class (default: classes in turn).") var classIndex: Int?
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions

    func validate() throws {
        if pairs < 1 { throw ValidationError("--pairs must be at least 1 (got \(pairs)).") }
        if let c = classIndex, c < 0 { throw ValidationError("--class must be a class index of the model (got \(c)).") }
    }

    struct Outcome: Codable, Sendable {
        var target: Int
        var source: Int
        var realReal: Barrier
        var realAdversarial: Barrier
        var succeeded: Bool
        var attackSteps: Int
        var linfDistance: Double
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(1)
        let world = try InputWorld.load(input, classOption: classIndex)
        try AtomicFile.checkWritable(output)
        let usable = world.usableClasses(minimum: 2)
        let targets = classIndex.map { [$0] } ?? usable
        guard !targets.isEmpty, usable.count >= 2 else {
            throw ModeLatticeError.data("need two classes with two correctly classified test images each")
        }
        let parameters = InputOutput.parameters([
            ("model", input.model), ("dataset", input.data.recordedName(.test)), ("attack", attack.rawValue), ("pairs", pairs),
            ("points", input.points), ("class", classIndex), ("epsilon", attackOptions.epsilon),
            ("pgd_steps", attackOptions.pgdSteps), ("pgd_step_size", attackOptions.pgdStepSize)])
        let checkpoint = try Checkpoint<Outcome>(output: output, fingerprint: InputOutput.fingerprint(
            "input adversarial", parameters, seed: options.seed, generator: options.generator))
        let progress = ProgressLine("input adversarial", total: pairs, quiet: options.quiet)
        let seed = options.seed, generator = options.rng, points = input.points
        let attack = self.attack, attackOptions = self.attackOptions
        let outcomes = try UnitRunner.run(count: pairs, threads: options.threadCount, checkpoint: checkpoint,
                                          progress: progress) { i in
            let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "input-adversarial", index: i))
            let t = targets[i % targets.count]
            let others = usable.filter { $0 != t }
            let s = others[rng.uniformInt(others.count)]
            let aIndex = world.randomImage(of: t, rng: rng)
            let a = world.image(aIndex)
            let real = world.image(world.randomImage(of: t, rng: rng, excluding: [aIndex]))
            let source = world.image(world.randomImage(of: s, rng: rng))
            let lossA = try world.classifier.crossEntropy(a, targets: [t])[0]
            let adversarial = try attackOptions.attack(attack, classifier: world.classifier, source: source,
                                                       target: t, stopLoss: lossA)
            let rr = try world.classifier.linearBarrier(from: a, to: real, target: t, points: points).barrier
            let ra = try world.classifier.linearBarrier(from: a, to: adversarial.input, target: t, points: points).barrier
            let linf = zip(adversarial.input, source).map { Double(abs($0 - $1)) }.max() ?? 0
            return Outcome(target: t, source: s, realReal: rr, realAdversarial: ra, succeeded: adversarial.succeeded,
                           attackSteps: adversarial.steps, linfDistance: linf)
        }
        progress.finish()
        var table = Table(columns: ["pair", "pair_type", "source_class", "target_class", "loss_a", "loss_c",
                                    "barrier_max", "barrier_gap"])
        for (i, o) in outcomes.enumerated() {
            for (type, b, s) in [("real-real", o.realReal, o.target), ("real-adversarial", o.realAdversarial, o.source)] {
                table.append([.int(i), .text(type), .int(s), .int(o.target), .double(b.lossA), .double(b.lossC),
                              .double(b.barrierMax), .double(b.barrierGap)])
            }
        }
        let notes = Self.summary(outcomes)
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: notes)
        try table.write(to: output, record: record)
        checkpoint.finish()
        for line in notes { print(line) }
    }

    static func summary(_ outcomes: [Outcome]) -> [String] {
        let n = Double(outcomes.count)
        let rr = outcomes.map(\.realReal.barrierGap), ra = outcomes.map(\.realAdversarial.barrierGap)
        let meanRR = rr.reduce(0, +) / n, meanRA = ra.reduce(0, +) / n
        return [
            String(format: "real-real: mean barrier_gap %.4g, median %.4g, %.1f%% with gap > 1e-3; mean barrier_max %.4g",
                   meanRR, InputPairsCommand.median(rr), 100 * Double(rr.filter { $0 > 1e-3 }.count) / n,
                   outcomes.map(\.realReal.barrierMax).reduce(0, +) / n),
            String(format: "real-adversarial: mean barrier_gap %.4g, median %.4g, %.1f%% with gap > 1e-3; mean barrier_max %.4g",
                   meanRA, InputPairsCommand.median(ra), 100 * Double(ra.filter { $0 > 1e-3 }.count) / n,
                   outcomes.map(\.realAdversarial.barrierMax).reduce(0, +) / n),
            String(format: "ratio of mean gaps (real-adversarial / real-real): %.3g; attack success %.1f%%, median steps %.0f, median L-inf distance %.3g",
                   meanRR > 0 ? meanRA / meanRR : .infinity, 100 * Double(outcomes.filter(\.succeeded).count) / n,
                   InputPairsCommand.median(outcomes.map { Double($0.attackSteps) }),
                   InputPairsCommand.median(outcomes.map(\.linfDistance))),
        ]
    }
}
