import ArgumentParser

/// `modelattice lattice …`: networks on input lattices — subspace lattices beside iid percolation,
/// full-dimensional cluster growth, and lattice certificates of connectivity.
struct LatticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lattice",
        abstract: "Percolation of low-loss input sites of networks, beside iid percolation.",
        subcommands: [LatticeSubspaceCommand.self, LatticeGrowCommand.self, LatticeIIDGrowthCommand.self, LatticeConnectCommand.self]
    )
}
