import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice lattice grow`: the open cluster of a real anchor on the full-dimensional lattice
/// anchor + h·Z^n, grown breadth-first until it dies or reaches `--cap` sites; one row per
/// (network, trial, spacing). The fraction of survived rows estimates the survival probability.
struct LatticeGrowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow",
        abstract: "Grow the anchor's open cluster on anchor + h·Z^n until it dies or reaches a cap.")

    @OptionGroup var source: LatticeModelOptions
    @Option(help: "Anchors (trials) per network.") var trials = 4
    @Option(help: "Spacings h > 0 along each input axis, comma-separated.") var spacing = "0.1,0.3,1"
    @Option(help: "Anchor: real (a Fashion-MNIST test image), synthetic (feature visualization) or origin.") var anchor: AnchorKind = .real
    @Option(help: "Open rule: class or loss:TAU.") var open = "class"
    @Option(name: .customLong("class"), help: "Target class (default: the network's prediction at the anchor).") var targetClass: Int?
    @Option(help: "Stop when the cluster has this many sites (survived).") var cap = 256
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @OptionGroup var options: RunOptions

    func run() throws {
        let started = Date()
        let rule = try OpenRule(parsing: open)
        let spacings = try parseDoubleList(spacing, name: "--spacing")
        guard spacings.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ModeLatticeError.usage("--spacing must be positive (got \(spacing))")
        }
        guard trials >= 1 else { throw ModeLatticeError.usage("--trials must be at least 1 (got \(trials))") }
        let probe = try source.network(0, seed: options.seed, generator: options.generator)
        if let targetClass, targetClass < 0 || targetClass >= probe.classCount {
            throw ModeLatticeError.usage("class \(targetClass) is not an output of the model (it has \(probe.classCount) classes, 0-\(probe.classCount - 1))")
        }
        _ = try AnchorClusterGrowth(anchor: [0], spacing: spacings[0], rule: rule, target: 0, cap: cap)   // validates rule and cap
        let data = anchor == .real ? try source.testData(inputSize: probe.inputSize) : nil
        try AtomicFile.checkWritable(output)

        let networks = source.networkCount, units = networks * trials * spacings.count
        BLAS.setThreads(1)
        let parameters: [String: String] = [
            "source": source.description, "networks": String(networks), "trials": String(trials), "spacing": spacing,
            "anchor": anchor.rawValue, "open": rule.description, "class": targetClass.map(String.init) ?? "predicted at anchor",
            "cap": String(cap),
        ]
        let fingerprint = "lattice grow v\(ModeLatticeVersion.string) seed=\(options.seed) rng=\(options.generator) "
            + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
        let checkpoint = try Checkpoint<GrowRow>(output: output, fingerprint: fingerprint)
        let progress = ProgressLine("lattice grow", total: units, quiet: options.quiet)
        let seed = options.seed, generator = options.generator, source = self.source, anchorKind = anchor
        let trials = self.trials, cap = self.cap, targetClass = self.targetClass
        let rows = try UnitRunner.run(count: units, threads: options.threadCount, checkpoint: checkpoint, progress: progress) { u in
            let s = u % spacings.count, t = (u / spacings.count) % trials, k = u / (spacings.count * trials)
            let net = try source.network(k, seed: seed, generator: generator)
            let x = try anchorKind.anchor(net: net, data: data, seed: seed, stream: "lattice-grow-anchor", index: k * trials + t,
                                          targetClass: targetClass, network: k)
            let c = try targetClass ?? net.predictions(x, count: 1)[0]
            let growth = try AnchorClusterGrowth(anchor: x, spacing: spacings[s], rule: rule, target: c, cap: cap)
            return GrowRow(network: k, trial: t, spacing: spacings[s], result: try growth.run(classifier: net))
        }
        progress.finish()
        var table = Table(columns: ["network", "trial", "spacing", "open_rule", "cluster_size", "survived", "evaluations"])
        for r in rows {
            table.append([.int(r.network), .int(r.trial), .double(r.spacing), .text(rule.description),
                          .int(r.result.clusterSize), .int(r.result.survived ? 1 : 0), .int(r.result.evaluations)])
        }
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["breadth-first growth on anchor + h·Z^n; survived = the cluster reached the cap"])
        try table.write(to: output, record: record)
        checkpoint.finish()
    }
}

struct GrowRow: Codable, Sendable {
    var network: Int
    var trial: Int
    var spacing: Double
    var result: AnchorClusterGrowth.Result
}
