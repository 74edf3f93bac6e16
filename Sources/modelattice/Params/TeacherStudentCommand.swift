import ArgumentParser
import Experiments
import Foundation
import Support

/// `modelattice params teacher-student`: `--setup relu` → ``TeacherStudentReLUExperiment``,
/// `--setup linear` → ``TeacherStudentLinearExperiment``, through ``ExperimentRunner``.
struct TeacherStudentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teacher-student",
        abstract: "Teacher–student minima: linear and 2-piece connectivity vs width, with the paper's bound and G.",
        discussion: "Rows: \(TeacherStudentTable.columns.joined(separator: ",")), one per setup, minima, width and statistic.")

    enum SetupChoice: String, ExpressibleByArgument, CaseIterable { case relu, linear }
    typealias ReLU = TeacherStudentReLUExperiment
    typealias Linear = TeacherStudentLinearExperiment

    @Option(help: "relu (two-layer ReLU teacher–student) or linear (deep linear regression).") var setup: SetupChoice
    @Option(help: "Comma-separated widths m (default relu: \(ReLU.Configuration().widths.map(String.init).joined(separator: ",")); linear: \(Linear.Configuration().widths.map(String.init).joined(separator: ","))).")
    var widthList: String?
    @Option(help: "Teacher neurons M (relu; default \(ReLU.Configuration().teachers)).") var teachers: Int?
    @Option(help: "Input dimension d (relu: default M; linear: input = output dimension, default \(Linear.Configuration().dimension)).") var dim: Int?
    @Option(help: "Depth L (linear; default \(Linear.Configuration().depth)).") var depth: Int?
    @Option(help: "Pairs of minima per width (default relu \(ReLU.Configuration().pairs), linear \(Linear.Configuration().pairs)).") var pairs: Int?
    @Option(help: "Points per segment scan (default \(ReLU.Configuration().points)).") var points: Int?
    @Option(help: "Center-search starts per pair (linear; default \(Linear.Configuration().restarts)).") var restarts: Int?
    @Option(help: "Output CSV (a JSON sidecar is written beside it).") var output: String
    @OptionGroup var options: RunOptions
    @OptionGroup var replication: ReplicateOptions

    func widths() throws -> [Int]? {
        guard let widthList else { return nil }
        return try widthList.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let v = Int(text), v >= 1 else {
                throw ValidationError("--width-list must be comma-separated positive integers (bad entry '\(text)' in '\(widthList)')")
            }
            return v
        }
    }

    func validate() throws { _ = try widths() }

    func run() throws {
        let outputs = ExperimentOutputs(table: output)
        try CommandErrors.naming(["widths": "--width-list", "teachers": "--teachers", "dimension": "--dim", "depth": "--depth",
                                  "pairs": "--pairs", "points": "--points", "restarts": "--restarts"]) {
            switch setup {
            case .relu:
                var c = ReLU.Configuration()
                (c.widths, c.teachers, c.dimension) = (try widths() ?? c.widths, teachers ?? c.teachers, dim)
                (c.pairs, c.points) = (pairs ?? c.pairs, points ?? c.points)
                try ExperimentRunner.run(ReLU(), c, outputs: outputs, settings: replication.settings(options))
            case .linear:
                var c = Linear.Configuration()
                (c.widths, c.dimension, c.depth) = (try widths() ?? c.widths, dim ?? c.dimension, depth ?? c.depth)
                (c.pairs, c.points, c.restarts) = (pairs ?? c.pairs, points ?? c.points, restarts ?? c.restarts)
                try ExperimentRunner.run(Linear(), c, outputs: outputs, settings: replication.settings(options))
            }
        }
    }
}
