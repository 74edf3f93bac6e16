import ArgumentParser

/// `modelattice params …`: parameter-space connectivity — two-piece paths, star centers and the
/// teacher–student checks of Lin, Li & Wu (arXiv 2404.06391).
struct ParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params",
        abstract: "Parameter-space connectivity: two-piece paths, star centers, teacher–student checks.",
        subcommands: [TeacherStudentCommand.self, StarCommand.self, GeodesicCommand.self]
    )
}
