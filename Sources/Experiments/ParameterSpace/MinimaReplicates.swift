import Foundation
import Support

/// Replicates of the parameter-space experiments (``Replicated``): replicate r trains its own
/// minima from its own seed, so a minima directory (whose files record the seed that trained them)
/// becomes one subdirectory per replicate, `DIRECTORY/replicate-r`, instead of being shared.
extension MinimaConfiguration {
    func forReplicate(_ r: Int) -> MinimaConfiguration {
        var m = self
        m.directory = directory.map { $0 + "/replicate-\(r)" }
        return m
    }

    var replicateNote: String {
        directory.map { "minima trained from the replicate's seed into \($0)/replicate-r" } ?? "minima trained from the replicate's seed"
    }
}

extension ParameterStarExperiment.Configuration: ReplicateAdjustingConfiguration {
    public func forReplicate(_ r: Int) -> Self {
        var c = self
        c.minima = minima.forReplicate(r)
        return c
    }

    public var replicateNote: String { minima.replicateNote }
}

extension ParameterGeodesicExperiment.Configuration: ReplicateAdjustingConfiguration {
    public func forReplicate(_ r: Int) -> Self {
        var c = self
        c.minima = minima.forReplicate(r)
        return c
    }

    public var replicateNote: String { minima.replicateNote }
}
