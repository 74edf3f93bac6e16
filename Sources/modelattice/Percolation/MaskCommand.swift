import ArgumentParser
import Foundation
import Percolation
import Support

/// `modelattice percolation mask`: an iid site mask (each site occupied with probability p) saved
/// as a bool `.npy` array of shape [L]*d, drawn from GSL with seed derive(seed, "mask", 0).
struct MaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask",
        abstract: "Write an iid site-occupation mask as a bool .npy array of shape [L]*d.")

    @Option(help: "Lattice dimension d >= 1.") var dim: Int
    @Option(help: "Lattice side L >= 2.") var size: Int
    @Option(help: "Occupation probability, in [0, 1].") var p: Double
    @Option(help: "Output .npy path.") var output: String
    @OptionGroup var options: RunOptions

    func run() throws {
        try CommandErrors.naming(["dimension": "--dim", "side": "--size", "p": "--p"]) {
            let lattice = try HypercubicLattice(dimension: dim, side: size, boundary: .open)
            let rng = try RandomGenerator(algorithm: options.generator, seed: SeedSequence.derive(options.seed, stream: "mask", index: 0))
            let mask = try IIDMask.generate(lattice: lattice, p: p, rng: rng)
            try NPYArray(dtype: .bool, shape: lattice.shape, bytes: mask).write(to: output)
        }
    }
}
