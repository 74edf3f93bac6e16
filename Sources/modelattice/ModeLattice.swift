import ArgumentParser
import Foundation
import NetworkCore
import Support

/// The `modelattice` command: one subcommand type per verb, each in its own file. This root holds
/// only configuration; errors are mapped to sysexits codes (64 usage, 65 data, 74 I/O) here.
@main
struct ModeLattice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelattice",
        abstract: "Percolation on Z^d and the geometry of neural-network landscapes.",
        version: ModeLatticeVersion.string,
        subcommands: [
            PercolationCommand.self,
            TrainCommand.self,
            EvaluateCommand.self,
            InitCommand.self,
            PredictCommand.self,
            GradientCommand.self,
            InputCommand.self,
            LatticeCommand.self,
            ParamsCommand.self,
            ReproduceCommand.self,
            ClaimsCommand.self,
        ]
    )

    static func main() {
        BLASKernels.pinForReproducibility()
        GSLSetup.once()
        Ranks.start()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ModeLatticeError {
            let where_ = Ranks.isDistributed ? " (rank \(Ranks.rank) of \(Ranks.size))" : ""
            FileHandle.standardError.write(Data("modelattice: error\(where_): \(error.message)\n".utf8))
            Ranks.abort(error.exitCode)
        } catch {
            // Help, version and clean exits print as ArgumentParser does; every other parse or
            // validation error is one line (its message) and exit 64, not the whole usage text.
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            FileHandle.standardError.write(Data("modelattice: error: \(message) (see --help)\n".utf8))
            Ranks.abort(code.rawValue)
        }
    }
}
