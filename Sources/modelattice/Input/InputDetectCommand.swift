import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice input detect`: detection of adversarial inputs by the loss barriers between an input
/// and K real references of its predicted class (Vrabel et al. 2025, §4.2), always beside the
/// confidence baseline, on held-out real and adversarial inputs.
struct InputDetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Barrier-based detection of adversarial inputs vs the confidence baseline (AUROC with 95% CI).",
        discussion: """
            Columns: attack,score,auroc,auroc_low,auroc_high,tpr_at_5fpr,n_real,n_adversarial; score is confidence \
            (CE at the predicted class), barrier_max, barrier_gap (means over the K references) or curve_classifier \
            (logistic regression on the mean loss curve, barrier features and sorted logits). Correctly classified test \
            images are split into references and examples; N real examples and, per attack, N attacks on real examples \
            towards a random other class (only successful ones kept) are scored. Even-numbered examples fit the curve \
            classifier, odd-numbered ones are held out for every score. --scores writes attack,score,label,value.
            """)

    @OptionGroup var input: InputModelOptions
    @Option(parsing: .upToNextOption, help: "Attacks: one or more of targeted, fgsm, pgd.") var attack: [AttackKind] = [.targeted]
    @OptionGroup var attackOptions: AttackOptions
    @Option(help: "Real references per input (K).") var references: Int = 5
    @Option(help: "Real examples, and attacked examples per attack (N).") var examples: Int
    @Option(help: "Bootstrap resamples for the AUROC interval.") var resamples: Int = 1000
    @Option(help: "Output table (.csv; a JSON sidecar is written beside it).") var output: String
    @Option(help: "Also write every held-out score: attack,score,label,value (label real or adversarial).") var scores: String?
    @OptionGroup var options: RunOptions

    func validate() throws {
        if examples < 4 { throw ValidationError("--examples must be at least 4 (got \(examples)): half fit the classifier, half are held out.") }
        if references < 1 { throw ValidationError("--references must be at least 1 (got \(references)).") }
        if resamples < 1 { throw ValidationError("--resamples must be at least 1 (got \(resamples)).") }
        if attack.isEmpty { throw ValidationError("--attack needs at least one of targeted, fgsm, pgd.") }
    }

    /// One scored input: features, or nil for an attack that failed (excluded).
    struct Unit: Codable, Sendable {
        var features: DetectionFeatures?
    }

    func run() throws {
        let started = Date()
        BLAS.setThreads(1)
        let world = try InputWorld.load(input)
        try AtomicFile.checkWritable(output)
        if let scores { try AtomicFile.checkWritable(scores) }
        let usable = (0..<world.byClass.count).filter {
            world.pool($0, .references).count >= 1 && world.pool($0, .examples).count >= 1
        }
        guard usable.count >= 2 else { throw ModeLatticeError.data("need two classes with at least two correctly classified test images") }
        var distinct: [AttackKind] = []
        for a in attack where !distinct.contains(a) { distinct.append(a) }
        let attacks = distinct
        let parameters = InputOutput.parameters([
            ("model", input.model), ("dataset", input.data.recordedName(.test)), ("attacks", attacks.map(\.rawValue).joined(separator: "+")),
            ("references", references), ("examples", examples), ("points", input.points), ("epsilon", attackOptions.epsilon),
            ("pgd_steps", attackOptions.pgdSteps), ("pgd_step_size", attackOptions.pgdStepSize), ("resamples", resamples)])
        let checkpoint = try Checkpoint<Unit>(output: output, fingerprint: InputOutput.fingerprint(
            "input detect", parameters, seed: options.seed, generator: options.generator))
        let n = examples, k = references, points = input.points
        let total = n * (1 + attacks.count)
        let progress = ProgressLine("input detect", total: total, quiet: options.quiet)
        let seed = options.seed, generator = options.rng, attackOptions = self.attackOptions
        // Units 0..<n: real examples; then n per attack, in the order of `attacks`.
        let units = try UnitRunner.run(count: total, threads: options.threadCount, checkpoint: checkpoint,
                                       progress: progress) { u in
            let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "input-detect", index: u))
            let s = usable[rng.uniformInt(usable.count)]
            var x = world.image(world.randomImage(of: s, rng: rng, pool: .examples))
            if u >= n {
                let kind = attacks[(u - n) / n]
                let others = usable.filter { $0 != s }
                let t = others[rng.uniformInt(others.count)]
                let reference = world.image(world.randomImage(of: t, rng: rng, pool: .references))
                let stop = try world.classifier.crossEntropy(reference, targets: [t])[0]
                let result = try attackOptions.attack(kind, classifier: world.classifier, source: x, target: t, stopLoss: stop)
                guard result.succeeded else { return Unit(features: nil) }
                x = result.input
            }
            let predicted = try world.classifier.predictions(x, count: 1)[0]
            let pool = world.pool(predicted, .references)
            guard !pool.isEmpty else { return Unit(features: nil) }
            let refs = (0..<k).map { _ in world.image(pool[rng.uniformInt(pool.count)]) }
            return Unit(features: try BarrierDetector.features(classifier: world.classifier, input: x, predicted: predicted,
                                                               references: refs, points: points))
        }
        progress.finish()

        let real = units[0..<n].compactMap(\.features)
        var table = Table(columns: ["attack", "score", "auroc", "auroc_low", "auroc_high", "tpr_at_5fpr", "n_real", "n_adversarial"])
        var scoreTable = Table(columns: ["attack", "score", "label", "value"])
        var notes: [String] = []
        for (a, kind) in attacks.enumerated() {
            let slice = units[(n * (a + 1))..<(n * (a + 2))]
            let adversarial = slice.compactMap(\.features)
            notes.append("\(kind.rawValue): \(adversarial.count) of \(n) attacks succeeded")
            guard adversarial.count >= 2 else {
                throw ModeLatticeError.data("attack \(kind.rawValue) succeeded on \(adversarial.count) of \(n) examples; detection needs at least 2 (raise --epsilon or --examples)")
            }
            let outcomes = try BarrierDetector.evaluate(real: real, adversarial: adversarial, resamples: resamples,
                                                        seed: SeedSequence.derive(seed, stream: "detect-\(kind.rawValue)", index: 0))
            // Ablation (notes only): the same classifier on the sorted logits alone, without loss curves.
            let logitsOnly = try BarrierDetector.classifierSummary(
                real: real, adversarial: adversarial, row: \.sortedLogits, resamples: resamples,
                seed: SeedSequence.derive(seed, stream: "detect-logits-\(kind.rawValue)", index: 0))
            notes.append(String(format: "%@ ablation, logits-only classifier: AUROC %.3f [%.3f, %.3f]", kind.rawValue,
                                logitsOnly.auroc, logitsOnly.aurocLow, logitsOnly.aurocHigh))
            for o in outcomes {
                let s = o.summary
                table.append([.text(kind.rawValue), .text(o.score.rawValue), .double(s.auroc), .double(s.aurocLow),
                              .double(s.aurocHigh), .double(s.tprAt5FPR), .int(s.negatives), .int(s.positives)])
                notes.append(String(format: "%@ %@: AUROC %.3f [%.3f, %.3f], TPR@5%%FPR %.3f (held out: %d real, %d adversarial)",
                                    kind.rawValue, o.score.rawValue, s.auroc, s.aurocLow, s.aurocHigh, s.tprAt5FPR,
                                    s.negatives, s.positives))
                for v in o.realScores { scoreTable.append([.text(kind.rawValue), .text(o.score.rawValue), "real", .double(v)]) }
                for v in o.adversarialScores {
                    scoreTable.append([.text(kind.rawValue), .text(o.score.rawValue), "adversarial", .double(v)])
                }
            }
        }
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: notes)
        try table.write(to: output, record: record)
        if let scores { try scoreTable.write(to: scores, record: record) }
        checkpoint.finish()
        for line in notes { print(line) }
    }
}
