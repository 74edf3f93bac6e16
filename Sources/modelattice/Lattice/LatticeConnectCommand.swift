import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice lattice connect`: lattice certificates that two inputs of one class lie in one open
/// cluster: best-first search on a lattice aligned with C − A plus random directions, every visited
/// site evaluated exactly, every found path re-checked site by site. One row per pair.
struct LatticeConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Lattice certificates of connectivity between same-class input pairs.")

    @OptionGroup var source: LatticeModelOptions
    @Option(help: "Number of pairs.") var pairs = 16
    @Option(help: "Pair kind: real (two test images the network assigns to one class) or synthetic (feature visualization of class i mod classes).") var kind: PairKind = .real
    @Flag(help: "Also run the barrier bypass (free, 2 rounds for --random networks; projected for --model) for bypass_barrier_gap.") var bypass = false
    @Option(help: "Lattice steps K from A to C (spacing ‖C − A‖/K).") var steps = 16
    @Option(help: "Lattice axes m: C − A plus m − 1 random orthonormal directions.") var axes = 8
    @Option(help: "Open rule: class or loss:TAU.") var open = "class"
    @Option(help: "Most network evaluations per pair.") var budget = 20_000
    @Option(help: "Weight w of the heuristic in f = g + w·H (1 = A*, shortest open path).") var weight = 1.5
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @OptionGroup var options: RunOptions

    enum PairKind: String, ExpressibleByArgument, CaseIterable { case real, synthetic }

    func run() throws {
        let started = Date()
        let rule = try OpenRule(parsing: open)
        guard pairs >= 1 else { throw ModeLatticeError.usage("--pairs must be at least 1 (got \(pairs))") }
        let probe = try source.network(0, seed: options.seed, generator: options.generator)
        guard axes >= 1, axes <= probe.inputSize else {
            throw ModeLatticeError.usage("--axes must be between 1 and the input dimension \(probe.inputSize) (got \(axes))")
        }
        guard steps >= 1 else { throw ModeLatticeError.usage("--steps must be at least 1 (got \(steps))") }
        guard weight >= 1 else { throw ModeLatticeError.usage("--weight must be at least 1 (got \(weight))") }
        guard budget >= 2 else { throw ModeLatticeError.usage("--budget must be at least 2 (got \(budget))") }
        if case .quantile = rule { throw ModeLatticeError.usage("--open quantile:q needs a finite lattice; connect takes class or loss:TAU") }
        let data = kind == .real ? try source.testData(inputSize: probe.inputSize) : nil
        try AtomicFile.checkWritable(output)

        BLAS.setThreads(1)
        let networks = source.networkCount
        let parameters: [String: String] = [
            "source": source.description, "networks": String(networks), "pairs": String(pairs), "kind": kind.rawValue,
            "steps": String(steps), "axes": String(axes), "open": rule.description, "budget": String(budget),
            "weight": String(weight), "bypass": String(bypass),
        ]
        let fingerprint = "lattice connect v\(ModeLatticeVersion.string) bypass_revision=\(BarrierBypass.revision) seed=\(options.seed) rng=\(options.generator) "
            + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
        let checkpoint = try Checkpoint<ConnectRow>(output: output, fingerprint: fingerprint)
        let progress = ProgressLine("lattice connect", total: pairs, quiet: options.quiet)
        let seed = options.seed, generator = options.generator, source = self.source
        let steps = self.steps, axes = self.axes, budget = self.budget, weight = self.weight
        let kind = self.kind, bypass = self.bypass, untrained = source.random != nil
        let rows = try UnitRunner.run(count: pairs, threads: options.threadCount, checkpoint: checkpoint, progress: progress) { i in
            let net = try source.network(i % networks, seed: seed, generator: generator)
            let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "lattice-connect-pair", index: i))
            let (a, c, cls): ([Float], [Float], Int)
            switch kind {
            case .real: (a, c, cls) = try RealPairs.draw(data: data!, classifier: net, rng: rng)
            case .synthetic:
                let target = i % net.classCount
                let fv = FeatureVisualization()
                (a, c, cls) = (try fv.synthesize(classifier: net, target: target, rng: rng).input,
                               try fv.synthesize(classifier: net, target: target, rng: rng).input, target)
            }
            let linearGap = try net.linearBarrier(from: a, to: c, target: cls).barrier.barrierGap
            var bypassGap: Double? = nil
            var bypassStatus: BypassStatus? = nil
            if bypass {
                let r = try BarrierBypass.run(classifier: net, from: a, to: c, target: cls,
                                              settings: untrained ? .untrained : .trained,
                                              rounds: untrained ? 2 : 1)
                bypassGap = r.barrier.barrierGap
                bypassStatus = r.status
            }
            let lattice = try CertificateLattice(a: a, c: c, steps: steps, axes: axes, rng: rng)
            let search = try LatticeCertificate(lattice: lattice, rule: rule, target: cls, weight: weight, maximumEvaluations: budget)
            let result = try search.search(classifier: net)
            if result.found, let bad = try search.verify(result.path, classifier: net) {
                throw ModeLatticeError.software("pair \(i): the certificate failed its re-check at site \(bad) of \(result.path.count)")
            }
            return ConnectRow(pair: i, cls: cls, result: result, linearGap: linearGap, bypassGap: bypassGap,
                              bypassStatus: bypassStatus)
        }
        progress.finish()
        var table = Table(columns: ["pair", "class", "found", "path_sites", "lattice_distance", "evaluations",
                                    "linear_barrier_gap", "bypass_barrier_gap"])
        for r in rows {
            table.append([.int(r.pair), .int(r.cls), .int(r.result.found ? 1 : 0),
                          r.result.found ? .int(r.result.path.count) : .empty, .int(r.result.latticeDistance),
                          .int(r.result.evaluations), .double(r.linearGap), r.bypassGap.map { .double($0) } ?? .empty])
        }
        let found = rows.filter(\.result.found).count
        var notes = ["certificates found for \(found) of \(rows.count) pairs; every found path re-checked site by site",
                     "path_sites counts both endpoints; a straight path has lattice_distance + 1 sites",
                     "linear_barrier_gap: 250-point straight path (Barrier); bypass_barrier_gap with --bypass (BarrierBypass: the best path seen, never higher than the straight one)"]
        if bypass {
            let capped = rows.filter { $0.bypassStatus == .stepCap }.count
            notes.append("bypass: \(capped) of \(rows.count) pairs hit the step cap before the stopping criterion")
        }
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: notes)
        try table.write(to: output, record: record)
        checkpoint.finish()
    }
}

struct ConnectRow: Codable, Sendable {
    var pair: Int
    var cls: Int
    var result: LatticeCertificate.Result
    var linearGap: Double
    var bypassGap: Double?
    var bypassStatus: BypassStatus?
}

/// Same-class pairs of real test images: A uniform; its predicted class c; C the first of a random
/// sequence of other test images the network also assigns to c.
enum RealPairs {
    static func draw(data: Dataset, classifier: any InputClassifier, rng: RandomGenerator) throws -> ([Float], [Float], Int) {
        let n = data.exampleSize
        func image(_ i: Int) -> [Float] { Array(data.images[(i * n)..<((i + 1) * n)]) }
        let ia = rng.uniformInt(data.count)
        let a = image(ia)
        let cls = try classifier.predictions(a, count: 1)[0]
        for _ in 0..<32 {
            let candidates = (0..<256).map { _ in rng.uniformInt(data.count) }.filter { $0 != ia }
            let batch = candidates.flatMap { image($0) }
            let predicted = try classifier.predictions(batch, count: candidates.count)
            if let j = predicted.firstIndex(of: cls) { return (a, image(candidates[j]), cls) }
        }
        throw ModeLatticeError.data("no second test image of predicted class \(cls) among 8192 draws")
    }
}
