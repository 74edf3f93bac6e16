import ArgumentParser
import Foundation
import Percolation
import Support

/// `modelattice percolation label`: clusters of a given `.npy` mask (bool or uint8, shape [L]*d);
/// prints the header and one row of ``LabelingResult/columns``, optionally writes n_s as `size,count`.
struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label the clusters of a .npy site mask and print their observables.")

    @Option(help: "Mask .npy file (bool or uint8, shape [L]*d).") var mask: String
    @Option(help: "periodic or open boundaries.") var boundary: HypercubicLattice.Boundary = .periodic
    @Option(help: "Also write the cluster-size histogram (size,count) to this CSV.") var histogram: String?

    func run() throws {
        let result = try ClusterLabeling.label(maskFile: mask, boundary: boundary)
        if let histogram { try result.histogramTable.write(to: histogram) }
        print(result.table.csv, terminator: "")
    }
}
