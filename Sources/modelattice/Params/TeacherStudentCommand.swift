import ArgumentParser
import Connectivity
import Foundation
import Support

/// `modelattice params teacher-student`: 2-piece connectivity and geodesic ratio G of random
/// global minima versus width, for the two-layer ReLU teacher–student problem (closed-form
/// population loss, Theorem 6 minima, Lemma 7 criterion) or deep linear regression.
///
/// Output columns (one row per setup, minima, width and statistic; see TeacherStudentExperiment):
/// `setup,minima,width,depth,statistic,pairs,estimate,stderr,bound`, plus a JSON sidecar.
struct TeacherStudentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teacher-student",
        abstract: "Teacher–student minima: linear and 2-piece connectivity vs width, with the paper's bound and G.")

    enum SetupChoice: String, ExpressibleByArgument, CaseIterable {
        case relu, linear
    }

    @Option(help: "relu (two-layer ReLU teacher–student) or linear (deep linear regression).")
    var setup: SetupChoice

    @Option(help: "Comma-separated student widths m (default relu: 8,12,16,24,32,48,64,96,128; linear: 2,3,4,5,6,8,12,16).")
    var widthList: String?

    @Option(help: "Teacher neurons M (relu).")
    var teachers = 4

    @Option(help: "Input dimension d (relu: default M; linear: input = output dimension, default 2).")
    var dim: Int?

    @Option(help: "Depth L (linear).")
    var depth = 3

    @Option(help: "Pairs of minima per width (default relu 400, linear 40).")
    var pairs: Int?

    @Option(help: "Points per segment scan.")
    var points = 61

    @Option(help: "Center-search starts per pair (linear).")
    var restarts = 3

    @Option(help: "Output CSV (a JSON sidecar is written beside it).")
    var output: String

    @OptionGroup var options: RunOptions

    func widths() throws -> [Int] {
        guard let widthList else {
            return setup == .relu ? [8, 12, 16, 24, 32, 48, 64, 96, 128] : [2, 3, 4, 5, 6, 8, 12, 16]
        }
        let parts = widthList.split(separator: ",", omittingEmptySubsequences: false)
        var values: [Int] = []
        for part in parts {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let v = Int(text), v >= 1 else {
                throw ModeLatticeError.usage("--width-list must be comma-separated positive integers (bad entry '\(text)' in '\(widthList)')")
            }
            values.append(v)
        }
        return values
    }

    func run() throws {
        let started = Date()
        var config = TeacherStudentExperiment.Configuration(
            setup: setup == .relu ? .relu : .linear, widths: try widths(), teachers: teachers, dimension: dim,
            depth: depth, pairs: pairs ?? (setup == .relu ? 400 : 40), points: points, restarts: restarts,
            seed: options.seed, generator: options.generator, threads: options.threadCount)
        config.generator = options.generator
        try config.validate()
        guard restarts >= 1 else { throw ModeLatticeError.usage("--restarts must be at least 1 (got \(restarts))") }
        let progress = ProgressLine("teacher-student", total: TeacherStudentExperiment.totalPairs(config), quiet: options.quiet)
        let table = try TeacherStudentExperiment.run(config) { progress.advance() }
        progress.finish()
        var parameters: [String: String] = [
            "setup": setup.rawValue, "widths": config.widths.map(String.init).joined(separator: ","),
            "dimension": String(config.dimension), "pairs": String(config.pairs), "points": String(config.points),
            "tolerance": String(config.tolerance),
        ]
        if setup == .relu {
            parameters["teachers"] = String(config.teachers)
        } else {
            parameters["depth"] = String(config.depth)
            parameters["restarts"] = String(config.restarts)
        }
        let record = RunRecord(seed: options.seed, generator: options.generator, threads: options.threadCount,
                               parameters: parameters, wallSeconds: Date().timeIntervalSince(started), started: started,
                               notes: ["columns: " + TeacherStudentExperiment.columns.joined(separator: ",")]
                                   + TeacherStudentExperiment.methodNotes(config.setup))
        try table.write(to: output, record: record)
    }
}
