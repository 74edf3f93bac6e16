import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice lattice grow`: the open cluster of a real anchor on the full-dimensional lattice
/// anchor + h·Z^n, grown breadth-first until it dies or reaches `--cap` sites; one row per
/// (network, trial, spacing). The fraction of survived rows estimates the survival probability.
/// The science is ``AnchorClusterGrowth`` (open rules: ``GrowthOpenRule``); with `--open iid:P`
/// the network only gives n and the growth is iid site percolation on Z^n.
struct LatticeGrowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow",
        abstract: "Grow the anchor's open cluster on anchor + h·Z^n until it dies or reaches a cap.")

    @OptionGroup var source: LatticeModelOptions
    @Option(help: "Anchors (trials) per network.") var trials = 4
    @Option(help: "Spacings h > 0 along each input axis, comma-separated.") var spacing = "0.1,0.3,1"
    @Option(help: "Anchor: real (a Fashion-MNIST test image), synthetic (feature visualization) or origin.") var anchor: AnchorKind = .real
    @Option(help: "Open rule: class, loss:TAU, shell-quantile:Q (τ = the Q-quantile of the score over the anchor's first shell) or iid:P (network unused).") var open = "class"
    @Option(name: .customLong("class"), help: "Target class (default: the network's prediction at the anchor).") var targetClass: Int?
    @Option(help: "Stop when the cluster has this many sites (survived).") var cap = 10_000
    @Option(help: "Also write one row per BFS generation to this CSV.") var generationsOutput: String?
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @OptionGroup var options: RunOptions

    func run() throws {
        let started = Date()
        let rule = try GrowthOpenRule(parsing: open)
        if !rule.usesNetwork && targetClass != nil {
            throw ModeLatticeError.usage("--open iid:P does not use the network, so --class does not apply")
        }
        guard cap >= 1 else { throw ModeLatticeError.usage("--cap must be at least 1 (got \(cap))") }
        let spacings = try parseDoubleList(spacing, name: "--spacing")
        guard spacings.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ModeLatticeError.usage("--spacing must be positive (got \(spacing))")
        }
        guard trials >= 1 else { throw ModeLatticeError.usage("--trials must be at least 1 (got \(trials))") }
        let probe = try source.network(0, seed: options.seed, generator: options.generator)
        if let targetClass, targetClass < 0 || targetClass >= probe.classCount {
            throw ModeLatticeError.usage("class \(targetClass) is not an output of the model (it has \(probe.classCount) classes, 0-\(probe.classCount - 1))")
        }
        let data = anchor == .real && rule.usesNetwork ? try source.testData(inputSize: probe.inputSize) : nil
        try AtomicFile.checkWritable(output)
        if let generationsOutput { try AtomicFile.checkWritable(generationsOutput) }

        let networks = source.networkCount, units = networks * trials * spacings.count
        BLAS.setThreads(1)
        let parameters: [String: String] = [
            "source": source.description, "networks": String(networks), "trials": String(trials), "spacing": spacing,
            "anchor": anchor.rawValue, "open": rule.description, "class": targetClass.map(String.init) ?? "predicted at anchor",
            "cap": String(cap), "generations_output": generationsOutput ?? "",
        ]
        let fingerprint = "lattice grow v\(ModeLatticeVersion.string) seed=\(options.seed) rng=\(options.generator) "
            + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
        let checkpoint = try Checkpoint<GrowRow>(output: output, fingerprint: fingerprint)
        let progress = ProgressLine("lattice grow", total: units, quiet: options.quiet)
        let seed = options.seed, generator = options.generator, source = self.source, anchorKind = anchor
        let trials = self.trials, cap = self.cap, targetClass = self.targetClass
        let inner = units >= options.threadCount ? 1 : options.threadCount
        let rows = try UnitRunner.run(count: units, threads: options.threadCount, checkpoint: checkpoint, progress: progress) { u in
            let s = u % spacings.count, t = (u / spacings.count) % trials, k = u / (spacings.count * trials)
            let coins = SeedSequence.derive(seed, stream: "lattice-grow-iid", index: k * trials + t)
            guard rule.usesNetwork else {
                let growth = try AnchorClusterGrowth(dimension: probe.inputSize, rule: rule, cap: cap, seed: coins)
                return GrowRow(network: k, trial: t, spacing: spacings[s], result: try growth.run(classifier: nil))
            }
            let net = try source.network(k, seed: seed, generator: generator)
            let x = try anchorKind.anchor(net: net, data: data, seed: seed, stream: "lattice-grow-anchor", index: k * trials + t,
                                          targetClass: targetClass, network: k)
            let c = try targetClass ?? net.predictions(x, count: 1)[0]
            let growth = try AnchorClusterGrowth(anchor: x, spacing: spacings[s], rule: rule, target: c, cap: cap,
                                                 seed: coins, threads: inner)
            return GrowRow(network: k, trial: t, spacing: spacings[s], result: try growth.run(classifier: net))
        }
        progress.finish()
        var table = Table(columns: ["network", "trial", "spacing", "open_rule", "cluster_size", "survived", "evaluations",
                                    "radius", "open_fraction", "tied_share", "threshold"])
        var generationTable = Table(columns: ["network", "trial", "spacing", "generation", "shell_size", "sites_evaluated", "open_fraction"])
        func cell(_ v: Double?) -> Cell { v.map { .double($0) } ?? .empty }
        for r in rows {
            table.append([.int(r.network), .int(r.trial), .double(r.spacing), .text(rule.description),
                          .int(r.result.clusterSize), .int(r.result.survived ? 1 : 0), .int(r.result.evaluations),
                          .int(r.result.radius), cell(r.result.openFraction), cell(r.result.tiedShare), cell(r.result.threshold)])
            for g in r.result.generations {
                generationTable.append([.int(r.network), .int(r.trial), .double(r.spacing), .int(g.generation), .int(g.shellSize),
                                        .int(g.sitesEvaluated), cell(g.openFraction)])
            }
        }
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["breadth-first growth on anchor + h·Z^n; survived = the cluster reached the cap",
                                       "score = cross-entropy of the target in Double from the Float logits; radius = largest L1 lattice distance (units of h)",
                                       "open_fraction and tied_share over decided non-anchor sites; threshold = τ of shell-quantile"])
        try table.write(to: output, record: record)
        if let generationsOutput { try generationTable.write(to: generationsOutput, record: record) }
        checkpoint.finish()
    }
}

struct GrowRow: Codable, Sendable {
    var network: Int
    var trial: Int
    var spacing: Double
    var result: AnchorClusterGrowth.Result
}
