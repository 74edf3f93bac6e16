import Foundation
import Support

/// The README's claims tables, generated from `results/NAME.csv` (NAME = `claims`, `claims_conv`)
/// so the two cannot drift: one line per claim × architecture × statistic, numbers at three
/// significant digits. The README holds each between `<!-- NAME:begin -->` and `<!-- NAME:end -->`;
/// a test checks they agree.
public enum ClaimsMarkdown {
    public static let begin = marker("claims", "begin")
    public static let end = marker("claims", "end")

    static func marker(_ name: String, _ edge: String) -> String { "<!-- \(name):\(edge) -->" }

    /// Three significant digits, as the README prints every number of the table.
    public static func number(_ text: String) -> String {
        guard let v = Double(text) else { return text.isEmpty ? "–" : text }
        if v.isNaN { return "–" }
        if v == 0 { return "0" }
        return String(format: "%.3g", v)
    }

    /// The markdown table of a claims.csv text (columns ``ClaimsExperiment/columns``).
    public static func table(csv: String, name: String = "claims") throws -> String {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let header = lines.first, header == ClaimsExperiment.columns.joined(separator: ",") else {
            throw ModeLatticeError.data("claims table must start with the header \(ClaimsExperiment.columns.joined(separator: ","))")
        }
        var out = [marker(name, "begin"),
                   "| claim | architecture | K | statistic | estimate [95 % interval] | verdict |",
                   "| --- | --- | --- | --- | --- | --- |"]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == ClaimsExperiment.columns.count else {
                throw ModeLatticeError.data("claims table row has \(f.count) fields, expected \(ClaimsExperiment.columns.count): \(line)")
            }
            out.append("| \(f[0]) | \(f[1]) | \(f[2]) | \(f[3]) | \(number(f[4])) [\(number(f[5])), \(number(f[6]))] | \(f[7]) |")
        }
        out.append(marker(name, "end"))
        return out.joined(separator: "\n")
    }

    /// The block between the markers in `readme` (markers included), or nil.
    public static func block(in readme: String, name: String = "claims") -> String? {
        guard let b = readme.range(of: marker(name, "begin")),
              let e = readme.range(of: marker(name, "end"), range: b.upperBound..<readme.endIndex) else { return nil }
        return String(readme[b.lowerBound..<e.upperBound])
    }
}
