import Foundation
import Testing
@testable import Percolation

/// The embedded literature table is a faithful copy of reference/thresholds.csv.
@Suite struct ThresholdLiteratureTests {
    static var referenceCSV: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("reference/thresholds.csv")
    }

    @Test func embeddedTableEqualsReferenceCSV() throws {
        let text = try String(contentsOf: Self.referenceCSV, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        #expect(lines.removeFirst() == "lattice,dim,kind,p_c,uncertainty,source")
        #expect(lines.count == LiteratureThreshold.table.count)
        for (line, entry) in zip(lines, LiteratureThreshold.table) {
            let f = line.split(separator: ",", maxSplits: 5).map(String.init)
            #expect(f.count == 6)
            #expect(f[0] == "hypercubic")
            #expect(Int(f[1]) == entry.dimension)
            #expect(f[2] == entry.kind.rawValue)
            #expect(f[3] == entry.value)
            #expect(f[4] == entry.uncertainty)
            #expect(f[5] == entry.source)
        }
        // Every (d, kind) of 2...13 is present exactly once.
        for d in 2...13 {
            for kind in ThresholdKind.allCases {
                #expect(LiteratureThreshold.table.filter { $0.dimension == d && $0.kind == kind }.count == 1)
            }
        }
    }
}
