import Foundation
import NetworkCore
import Support

// modelattice-bench: timed runs of the hot paths, each beside a simple baseline run in the same
// process, reported as a ratio. Usage: modelattice-bench [GROUP ...]  (default: all groups)
BLASKernels.pinForReproducibility()
var groups: [String: () throws -> Void] = [:]
groups["percolation"] = PercolationBench.run
groups["field"] = FieldBench.run
groups["thresholds"] = ThresholdBench.run
groups["input"] = InputBench.run
groups["network"] = NetworkBench.run
groups["network-step"] = { try NetworkBench.trainingStep() }
groups["resnet"] = ResNetBench.run
groups["lattice"] = LatticeBench.run
groups["mpi"] = ScalingBench.run
groups["star"] = StarBench.run
groups["growth"] = GrowthBench.run

let requested = Array(CommandLine.arguments.dropFirst())
// "network-step" is the training step alone; "network" already includes it.
let names = requested.isEmpty ? groups.keys.sorted().filter { $0 != "network-step" } : requested
for name in names {
    guard let group = groups[name] else {
        FileHandle.standardError.write(Data("modelattice-bench: unknown group '\(name)'; groups: \(groups.keys.sorted().joined(separator: ", "))\n".utf8))
        exit(64)
    }
    try group()
}
