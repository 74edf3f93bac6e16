import ArgumentParser
import Experiments
import Foundation
import Support

/// `modelattice reproduce`: runs the experiment catalog (`experiments/*.json`) and writes
/// `results/NAME.csv` + `results/NAME.json` for each, through the same command types a user runs
/// by hand. Finished experiments (sidecar with the same fingerprint) are skipped unless `--force`;
/// an interrupted experiment resumes from its own checkpoint.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run the experiment catalog and write every table into results/.")

    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case tiny, quick, full
    }

    @Option(help: "Profile: tiny (CI smoke), quick (the main job), full (paper-sized).")
    var profile: Profile = .quick

    @Option(parsing: .upToNextOption, help: "Run only these experiments (names as in --list).")
    var only: [String] = []

    @Flag(help: "List the catalog and exit.")
    var list = false

    @Flag(help: "Rerun experiments whose results are already in place.")
    var force = false

    @Option(help: "Directory of experiment files.")
    var experiments = "experiments"

    @Option(help: "Directory the tables are written into.")
    var results = "results"

    func run() throws {
        let catalog = try ExperimentCatalog.load(directory: experiments)
        let selected = try catalog.select(only)
        if list {
            for spec in selected { print("\(spec.name)\t\(spec.command.joined(separator: " "))\t\(spec.description)") }
            return
        }
        for spec in selected {
            if !force, ExperimentStatus.isFinished(spec, profile: profile.rawValue, resultsDirectory: results) {
                print("reproduce: \(spec.name): up to date, skipped")
                continue
            }
            let args = try spec.invocation(profile: profile.rawValue, resultsDirectory: results)
            FileHandle.standardError.write(Data("reproduce: \(spec.name): modelattice \(args.joined(separator: " "))\n".utf8))
            let started = Date()
            RunContext.commandLine = ["modelattice"] + args
            RunContext.experiment = .init(name: spec.name, profile: profile.rawValue,
                                          fingerprint: try spec.fingerprint(profile: profile.rawValue))
            defer { RunContext.commandLine = nil; RunContext.experiment = nil }
            var command: ParsableCommand
            do { command = try ModeLattice.parseAsRoot(args) } catch {
                throw ModeLatticeError.data("experiment '\(spec.name)' has invalid arguments: \(ModeLattice.message(for: error))")
            }
            try command.run()
            print(String(format: "reproduce: %@: done in %.1f s", spec.name, Date().timeIntervalSince(started)))
        }
    }
}
