import ArgumentParser
import Experiments
import Foundation
import Support

/// `modelattice reproduce`: runs the experiment catalog (`experiments/*.json`) into results/
/// through ``CatalogReproduction``. An experiment counts as finished only when this results
/// directory's own state (`RESULTS/.state/`, ignored by git) says so with the same fingerprint; at
/// the end it says which regenerated files differ from the bytes they replaced.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run the experiment catalog and write every table into results/.")

    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case tiny, quick, full
    }

    @Option(help: "Profile: tiny (CI smoke), quick (the main job), full (paper-sized).") var profile: Profile = .quick
    @Option(parsing: .upToNextOption, help: "Run only these experiments (names as in --list).") var only: [String] = []
    @Flag(help: "List the catalog and exit.") var list = false
    @Flag(help: "With --list: print each experiment's table columns.") var columns = false
    @Flag(help: "Rerun experiments that this results directory has already finished.") var force = false
    @Option(help: "Directory of experiment files.") var experiments = "experiments"
    @Option(help: "Directory the tables are written into.") var results = "results"
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.") var threads: Int?

    func run() throws {
        let selected = try ExperimentCatalog.load(directory: experiments).select(only)
        if list { return try printList(selected) }
        let reproduction = CatalogReproduction(
            profile: profile.rawValue, resultsDirectory: results, force: force, threads: threads ?? ParallelMap.defaultThreads,
            legacyCommand: { spec, args in try Self.runLegacy(spec, args, profile: profile.rawValue) },
            log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        let report = try reproduction.run(selected)
        print("reproduce: \(report.ran.count) run, \(report.skipped.count) already finished")
        if !report.ran.isEmpty {
            print(report.changed.isEmpty
                  ? "reproduce: all \(report.compared) regenerated files are byte-identical to the ones they replaced"
                  : "reproduce: \(report.changed.count) of \(report.compared) regenerated files differ from the ones they replaced:\n"
                    + report.changed.map { "  " + $0 }.joined(separator: "\n"))
        }
    }

    private func printList(_ selected: [ExperimentSpec]) throws {
        for spec in selected {
            let kind = spec.experiment ?? (spec.command ?? []).joined(separator: " ")
            print("\(spec.name)\t\(kind)\t\(spec.description)")
            guard columns else { continue }
            let main = try spec.experiment.map { try ExperimentRegistry.named($0).columns } ?? spec.columns ?? []
            print("  \(spec.table ?? spec.name + ".csv"): \(main.joined(separator: ","))")
            if let type = spec.experiment {
                let extra = try ExperimentRegistry.named(type).extraTables
                for (role, file) in (spec.outputs ?? [:]).sorted(by: { $0.key < $1.key }) {
                    if let cols = extra[role] { print("  \(file): \(cols.joined(separator: ","))") }
                }
            }
        }
    }

    /// A catalog entry still given as a command line: run it in-process through the ordinary
    /// command types, with the sidecar told which entry it belongs to.
    private static func runLegacy(_ spec: ExperimentSpec, _ args: [String], profile: String) throws {
        RunContext.commandLine = ["modelattice"] + args
        RunContext.experiment = .init(name: spec.name, profile: profile, fingerprint: try spec.legacyFingerprint(profile: profile))
        defer { RunContext.commandLine = nil; RunContext.experiment = nil }
        var command: ParsableCommand
        do { command = try ModeLattice.parseAsRoot(args) } catch {
            throw ModeLatticeError.data("experiment '\(spec.name)' has invalid arguments: \(ModeLattice.message(for: error))")
        }
        try command.run()
    }
}
