import Connectivity
import Foundation
import Support
import Testing
import TestSupport
@testable import Experiments

@Suite struct TeacherStudentExperimentTests {
    /// Monte-Carlo 2-piece probability for uniform minima sits above the issue's lower bound.
    @Test func twoPieceProbabilityRespectsTheBound() throws {
        for m in [24, 40] {
            var c = TeacherStudentReLUExperiment.Configuration()
            (c.widths, c.teachers, c.pairs, c.points) = ([m], 3, 400, 5)
            let (products, _) = try runUnits(TeacherStudentReLUExperiment(), c, (), seed: 5)
            let rows = try #require(products.tables["table"]).rows
            let row = try #require(rows.first { $0[1] == .text("uniform") && $0[4] == .text("two_piece_connected") })
            guard case .double(let p) = row[6], case .double(let se) = row[7], case .double(let bound) = row[8] else {
                Issue.record("unexpected row \(row)"); return
            }
            #expect(bound > 0.2)
            #expect(p >= bound - 3 * max(se, 0.01), "m=\(m): \(p) ± \(se) vs bound \(bound)")
            if m == 24 { #expect(p < 0.95) }   // not trivially connected (iid estimate ≈ 0.83)
        }
    }

    /// Through the runner: 2 kinds × 2 widths × 9 statistics, Lemma 7 and the scan agree on every
    /// pair, centers have zero loss along both pieces, and 1 and 2 threads write the same table.
    @Test func reluThroughTheRunner() throws {
        let dir = try TemporaryDirectory.make("teacher-student")
        var c = TeacherStudentReLUExperiment.Configuration()
        (c.widths, c.teachers, c.pairs, c.points) = ([6, 12], 3, 30, 11)
        try ExperimentRunner.run(TeacherStudentReLUExperiment(), c, outputs: ExperimentOutputs(table: dir + "/a.csv"), settings: RunSettings(seed: 3, threads: 2))
        try ExperimentRunner.run(TeacherStudentReLUExperiment(), c, outputs: ExperimentOutputs(table: dir + "/b.csv"), settings: RunSettings(seed: 3, threads: 1))
        let text = try String(contentsOfFile: dir + "/a.csv", encoding: .utf8)
        #expect(try String(contentsOfFile: dir + "/b.csv", encoding: .utf8) == text)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 2 * 2 * 9)
        for row in rows where row[4] == "scan_agreement" { #expect(row[6] == "1") }
        for row in rows where row[4] == "center_path_max_loss" { #expect((Double(row[6]) ?? 1) <= 1e-10) }
    }

    /// Deep linear minima through the runner: at width m > 2L − 1 every pair has a center with a
    /// zero-loss two-piece path (the claimed regime), and G ≥ 1.
    @Test func linearThroughTheRunner() throws {
        let dir = try TemporaryDirectory.make("teacher-student")
        var c = TeacherStudentLinearExperiment.Configuration()
        (c.widths, c.depth, c.pairs) = ([8], 2, 6)
        try ExperimentRunner.run(TeacherStudentLinearExperiment(), c, outputs: ExperimentOutputs(table: dir + "/l.csv"), settings: RunSettings(seed: 1, threads: 2))
        let rows = try String(contentsOfFile: dir + "/l.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 6)
        let twoPiece = try #require(rows.first { $0[4] == "two_piece_connected" })
        #expect(twoPiece[6] == "1" && twoPiece[8] == "1")
        let ratio = try #require(rows.first { $0[4] == "geodesic_ratio" })
        #expect(Double(ratio[6])! >= 1)
    }
}
