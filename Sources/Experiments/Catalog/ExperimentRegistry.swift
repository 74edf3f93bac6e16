import Foundation
import Support

/// Every experiment type of the Experiments module by its identifier: what catalog entries name.
public enum ExperimentRegistry {
    /// The experiment types, in identifier order.
    public static func all() throws -> [RegisteredExperiment] {
        try [
            RegisteredExperiment(PercolationSweepExperiment()),
            RegisteredExperiment(PercolationFieldExperiment()),
            RegisteredExperiment(PercolationThresholdsExperiment()),
            RegisteredExperiment(LatticeSubspaceExperiment()),
            RegisteredExperiment(LatticeConnectExperiment()),
            RegisteredExperiment(LatticeGrowExperiment()),
            RegisteredExperiment(LatticeIIDGrowthExperiment()),
            RegisteredExperiment(NetworkTrainExperiment()),
            RegisteredExperiment(ParameterStarExperiment()),
            RegisteredExperiment(ParameterGeodesicExperiment()),
            RegisteredExperiment(TeacherStudentReLUExperiment()),
            RegisteredExperiment(TeacherStudentLinearExperiment()),
            RegisteredExperiment(InputPairsExperiment()),
            RegisteredExperiment(InputAdversarialExperiment()),
            RegisteredExperiment(InputDetectExperiment()),
            RegisteredExperiment(InputStarExperiment()),
            RegisteredExperiment(BarrierEvolutionExperiment()),
            RegisteredExperiment(LatticeFamilyExperiment()),
            RegisteredExperiment(ClaimsExperiment()),
        ].sorted { $0.identifier < $1.identifier }
    }

    public static func named(_ identifier: String) throws -> RegisteredExperiment {
        let types = try all()
        guard let found = types.first(where: { $0.identifier == identifier }) else {
            throw ModeLatticeError.data("no experiment type '\(identifier)' (known: \(types.map(\.identifier).joined(separator: ", ")))")
        }
        return found
    }
}
