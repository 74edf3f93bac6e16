import ArgumentParser
import Connectivity
import Foundation
import NetworkCore
import Support

/// `modelattice lattice subspace`: d-dimensional lattices through input space around a real anchor,
/// their open sites clustered with the percolation engine's labeling and compared with iid site
/// percolation at the same open fraction; one row per (network, d).
struct LatticeSubspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subspace",
        abstract: "Subspace lattices through networks beside iid percolation at the same p.")

    @OptionGroup var source: LatticeModelOptions
    @Option(help: "Lattice dimensions, e.g. 1-7 or 1,2,4.") var dims = "1-6"
    @Option(help: "Side L of every lattice (or give --sites).") var size: Int?
    @Option(help: "Fixed number of sites per lattice: L = round(sites^(1/d)) (instead of --size).") var sites: Int?
    @Option(help: "Spacing h > 0, or auto: h = 2·median‖x‖/((L−1)·√d), the same reach in every d.") var spacing = "auto"
    @Option(help: "Anchor: real (a Fashion-MNIST test image), synthetic (feature visualization of --class, else class k mod classes) or origin.") var anchor: AnchorKind = .real
    @Option(help: "Open rule: class, loss:TAU or quantile:Q.") var open = "class"
    @Option(name: .customLong("class"), help: "Target class (default: the network's prediction at the anchor).") var targetClass: Int?
    @Option(name: .customLong("iid-masks"), help: "iid masks per lattice, averaged at the same p.") var iidMasks = 8
    @Option(help: "Per-dimension mean and standard error over networks (CSV).") var summary: String?
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @OptionGroup var options: RunOptions

    func run() throws {
        let started = Date()
        let rule = try OpenRule(parsing: open)
        let dimensions = try parseIntegerList(dims, name: "--dims")
        guard (size == nil) != (sites == nil) else { throw ModeLatticeError.usage("give exactly one of --size L or --sites N") }
        let extent: SubspaceScan.Extent = size.map { .side($0) } ?? .sites(sites!)
        if let sites, sites < 2 { throw ModeLatticeError.usage("--sites must be at least 2 (got \(sites))") }
        let probe = try source.network(0, seed: options.seed, generator: options.generator)
        let needData = anchor == .real || spacing == "auto"
        let data = needData ? try source.testData(inputSize: probe.inputSize) : nil
        let spacingRule: SubspaceScan.Spacing
        var referenceNorm: Double? = nil
        if spacing == "auto" {
            referenceNorm = LatticeData.medianNorm(data!)
            spacingRule = .automatic(referenceNorm: referenceNorm!)
        } else {
            guard let h = Double(spacing), h > 0, h.isFinite else {
                throw ModeLatticeError.usage("--spacing must be a positive number or auto (got \(spacing))")
            }
            spacingRule = .fixed(h)
        }
        var scan = SubspaceScan(dims: dimensions, extent: extent, spacing: spacingRule, rule: rule, iidMasks: iidMasks,
                                target: targetClass, seed: options.seed, generator: options.generator)
        scan.batch = 1024
        try scan.validate(inputSize: probe.inputSize, classCount: probe.classCount)
        try AtomicFile.checkWritable(output)
        if let summary { try AtomicFile.checkWritable(summary) }

        let networks = source.networkCount
        let units = networks * dimensions.count
        let threads = options.threadCount
        // Parallel over units; leftover threads go into each lattice's batches. BLAS stays at 1
        // thread so the two levels do not oversubscribe the cores.
        BLAS.setThreads(1)
        let inner = max(1, threads / units)
        let parameters: [String: String] = [
            "source": source.description, "networks": String(networks), "dims": dims,
            "size": size.map(String.init) ?? "", "sites": sites.map(String.init) ?? "", "spacing": spacing,
            "reference_norm": referenceNorm.map { String($0) } ?? "", "anchor": anchor.rawValue,
            "open": rule.description, "class": targetClass.map(String.init) ?? "predicted at anchor",
            "iid_masks": String(iidMasks),
        ]
        let fingerprint = "lattice subspace v\(ModeLatticeVersion.string) seed=\(options.seed) rng=\(options.generator) "
            + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
        let checkpoint = try Checkpoint<SubspaceScan.Row>(output: output, fingerprint: fingerprint)
        let progress = ProgressLine("lattice subspace", total: units, quiet: options.quiet)
        let seed = options.seed, generator = options.generator, source = self.source, anchorKind = anchor
        let scanUnit = scan, targetClass = self.targetClass
        let rows = try UnitRunner.run(count: units, threads: threads, checkpoint: checkpoint, progress: progress) { u in
            let k = u / dimensions.count, d = dimensions[u % dimensions.count]
            let net = try source.network(k, seed: seed, generator: generator)
            let x = try anchorKind.anchor(net: net, data: data, seed: seed, stream: "lattice-anchor", index: k,
                                          targetClass: targetClass, network: k)
            return try scanUnit.run(network: k, dimension: d, classifier: net, anchor: x, threads: inner)
        }
        progress.finish()
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: threads, parameters: parameters,
                               wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["iid columns: means over --iid-masks iid Bernoulli(p) masks at each lattice's open fraction p, labeled by the same ClusterLabeling call (open boundaries)",
                                       "spacing auto: h = 2·r/((L−1)·√d), r = median ‖x‖ of 1000 Fashion-MNIST test images"])
        try SubspaceScan.table(rows).write(to: output, record: record)
        if let summary { try SubspaceScan.summary(rows).write(to: summary) }
        checkpoint.finish()
    }
}
