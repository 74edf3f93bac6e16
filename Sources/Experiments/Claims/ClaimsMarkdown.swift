import Foundation
import Support

/// The README's claims table, generated from `results/claims.csv` so the two cannot drift: one line
/// per claim × architecture × statistic, numbers at three significant digits. The README holds it
/// between `<!-- claims:begin -->` and `<!-- claims:end -->`; a test checks the two agree.
public enum ClaimsMarkdown {
    public static let begin = "<!-- claims:begin -->"
    public static let end = "<!-- claims:end -->"

    /// Three significant digits, as the README prints every number of the table.
    public static func number(_ text: String) -> String {
        guard let v = Double(text) else { return text.isEmpty ? "–" : text }
        if v.isNaN { return "–" }
        if v == 0 { return "0" }
        return String(format: "%.3g", v)
    }

    /// The markdown table of a claims.csv text (columns ``ClaimsExperiment/columns``).
    public static func table(csv: String) throws -> String {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let header = lines.first, header == ClaimsExperiment.columns.joined(separator: ",") else {
            throw ModeLatticeError.data("claims table must start with the header \(ClaimsExperiment.columns.joined(separator: ","))")
        }
        var out = [begin,
                   "| claim | architecture | K | statistic | estimate [95 % interval] | verdict |",
                   "| --- | --- | --- | --- | --- | --- |"]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == ClaimsExperiment.columns.count else {
                throw ModeLatticeError.data("claims table row has \(f.count) fields, expected \(ClaimsExperiment.columns.count): \(line)")
            }
            out.append("| \(f[0]) | \(f[1]) | \(f[2]) | \(f[3]) | \(number(f[4])) [\(number(f[5])), \(number(f[6]))] | \(f[7]) |")
        }
        out.append(end)
        return out.joined(separator: "\n")
    }

    /// The block between the markers in `readme` (markers included), or nil.
    public static func block(in readme: String) -> String? {
        guard let b = readme.range(of: begin), let e = readme.range(of: end, range: b.upperBound..<readme.endIndex) else { return nil }
        return String(readme[b.lowerBound..<e.upperBound])
    }
}
