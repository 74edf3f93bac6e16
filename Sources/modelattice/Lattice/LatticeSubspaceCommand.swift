import ArgumentParser
import Experiments
import Support

/// `modelattice lattice subspace`: options → ``LatticeSubspaceExperiment/Configuration`` → runner.
struct LatticeSubspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subspace",
        abstract: "Subspace lattices through networks beside iid percolation at the same p.")
    typealias Experiment = LatticeSubspaceExperiment
    static let defaults = Experiment.Configuration()

    @OptionGroup var networks: NetworkSourceOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Lattice dimensions, e.g. 1-7 or 1,2,4 (default \(defaults.dims)).") var dims: String?
    @Option(help: "Side L of every lattice (or give --sites).") var size: Int?
    @Option(help: "Fixed number of sites per lattice: L = round(sites^(1/d)) (instead of --size).") var sites: Int?
    @Option(help: "Spacing h > 0, or auto: h = 2·median‖x‖/((L−1)·√d), the same reach in every d.") var spacing = defaults.spacing
    @Option(help: "Anchor: real (a test image), synthetic (feature visualization of --class, else class k mod classes) or origin.") var anchor = defaults.anchor
    @Option(help: "Open rule: class, loss:TAU or quantile:Q.") var open = defaults.open
    @Option(name: .customLong("class"), help: "Target class (default: the network's prediction at the anchor).") var targetClass: Int?
    @Option(name: .customLong("iid-masks"), help: "iid masks per lattice, averaged at the same p.") var iidMasks = defaults.iidMasks
    @Option(help: "Per-dimension mean and standard error over networks (CSV).") var summary: String?
    @Option(help: "Output CSV (sidecar F.json beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func run() throws {
        var c = Experiment.Configuration()
        (c.networks, c.data, c.size, c.sites) = (networks.source, data.source, size, sites)
        if size == nil && sites == nil { c.size = Self.defaults.size }
        (c.dims, c.spacing, c.anchor, c.open) = (dims ?? c.dims, spacing, anchor, open)
        (c.targetClass, c.iidMasks) = (targetClass, iidMasks)
        try CommandErrors.naming(["dims": "--dims", "sites": "--sites", "spacing": "--spacing", "open": "--open",
                                  "networks": "--networks", "class": "--class",
                                  "size": "--size", "iidMasks": "--iid-masks"]) {
            try ExperimentRunner.run(Experiment(), c, outputs: ExperimentOutputs(["table": output, "summary": summary].compactMapValues { $0 }),
                                     settings: replication.settings(options))
        }
    }
}

extension LatticeAnchor: ExpressibleByArgument {}
