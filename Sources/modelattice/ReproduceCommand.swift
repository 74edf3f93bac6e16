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
    @Flag(help: "Also run the entries a profile leaves out of a whole-catalog run (optionalIn; see --list).") var all = false
    @Option(help: "Directory of experiment files.") var experiments = "experiments"
    @Option(help: "Directory the tables are written into.") var results = "results"
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.") var threads: Int?

    func run() throws {
        let selected = try ExperimentCatalog.load(directory: experiments).select(only)
        if list { return try printList(selected) }
        var reproduction = CatalogReproduction(
            profile: profile.rawValue, resultsDirectory: results, force: force, threads: threads ?? ParallelMap.defaultThreads,
            log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        reproduction.includeOptional = all || !only.isEmpty
        let report = try reproduction.run(selected)
        print("reproduce: \(report.ran.count) run, \(report.skipped.count) already finished"
              + (report.leftOut.isEmpty ? "" : ", \(report.leftOut.count) left out of the \(profile.rawValue) run (--all runs them): "
                 + report.leftOut.map(\.name).joined(separator: ", ")))
        if !report.ran.isEmpty {
            print(report.changed.isEmpty
                  ? "reproduce: all \(report.compared) regenerated files are byte-identical to the ones they replaced"
                  : "reproduce: \(report.changed.count) of \(report.compared) regenerated files differ from the ones they replaced:\n"
                    + report.changed.map { "  " + $0 }.joined(separator: "\n"))
        }
    }

    private func printList(_ selected: [ExperimentSpec]) throws {
        for spec in selected {
            let optional = spec.optionalIn?[profile.rawValue].map { " [left out of a whole \(profile.rawValue) run: \($0)]" } ?? ""
            print("\(spec.name)\t\(spec.experiment)\t\(spec.description)\(optional)")
            guard columns else { continue }
            let type = try ExperimentRegistry.named(spec.experiment)
            // K > 1 replicates: every table gains a leading replicate column, plus the summary table.
            let replicates = spec.replicateCount(profile: profile.rawValue)
            let prefix = replicates > 1 ? [Replicated.replicateColumn] : []
            let main = spec.table ?? spec.name + ".csv"
            print("  \(main): \((prefix + type.columns).joined(separator: ","))")
            for (role, file) in (spec.outputs ?? [:]).sorted(by: { $0.key < $1.key }) where role != Replicated.summaryRole || replicates == 1 {
                if let cols = type.extraTables[role] { print("  \(file): \((prefix + cols).joined(separator: ","))") }
            }
            if replicates > 1 {
                let summary = spec.outputs?[Replicated.summaryRole] ?? Replicated.summaryPath(forMain: main)
                print("  \(summary) (\(replicates) replicates): [row-label columns,]\(Replicated.summaryColumns.joined(separator: ","))")
            }
        }
    }
}
