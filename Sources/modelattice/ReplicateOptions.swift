import ArgumentParser
import Experiments
import Support

/// `--replicates K` of the input-space, input-lattice and parameter-space commands (``Replicated``):
/// K independent runs of the whole experiment, replicate r under seed derive(--seed, "replicate", r),
/// a leading `replicate` column in every table and the spread over replicates in OUTPUT_replicates.csv.
struct ReplicateOptions: ParsableArguments {
    @Option(help: "Independent replicates K (own seed each: training, initialization, pair draw; a --model file is not retrained). K > 1 adds a replicate column and writes the spread over replicates (median per replicate, mean, sd, 95% t interval) to OUTPUT_replicates.csv (default 1).")
    var replicates: Int = 1

    func validate() throws {
        if replicates < 1 { throw ValidationError("--replicates must be at least 1 (got \(replicates)).") }
    }

    /// `options.settings` with these replicates.
    func settings(_ options: RunOptions) -> RunSettings {
        var s = options.settings
        s.replicates = replicates
        return s
    }
}
