import ArgumentParser

/// `modelattice percolation …`: simulations of site and bond percolation on Z^d.
struct PercolationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "percolation",
        abstract: "Site and bond percolation on hypercubic lattices: sweeps, masks, labeling, correlated fields, thresholds.",
        subcommands: [SweepCommand.self, MaskCommand.self, LabelCommand.self, FieldCommand.self, ThresholdCommand.self, ThresholdsCommand.self]
    )
}
