/// Literature values of the site and bond percolation thresholds of Z^d, d = 2...13, with their
/// quoted uncertainties and sources: a copy of `reference/thresholds.csv` (a test checks that the two
/// agree). Used only to *compare* computed estimates (`z`), never as an estimate.
public struct LiteratureThreshold: Sendable, Equatable {
    public var dimension: Int
    public var kind: ThresholdKind
    /// Written exactly as in the source table (keeps the quoted digits).
    public var value: String
    public var uncertainty: String
    public var source: String

    public var pc: Double { Double(value) ?? .nan }
    public var pcUncertainty: Double { Double(uncertainty) ?? .nan }

    /// The entry for (d, kind), or nil when the table has none.
    public static func lookup(dimension: Int, kind: ThresholdKind) -> LiteratureThreshold? {
        table.first { $0.dimension == dimension && $0.kind == kind }
    }

    /// Hypercubic lattice, in the order of reference/thresholds.csv.
    public static let table: [LiteratureThreshold] = [
        .init(dimension: 2, kind: .site, value: "0.59274621", uncertainty: "0.00000013",
              source: "Newman & Ziff PRL 85 4104 (2000)"),
        .init(dimension: 2, kind: .bond, value: "0.5", uncertainty: "0",
              source: "exact (Kesten 1980)"),
        .init(dimension: 3, kind: .site, value: "0.3116077", uncertainty: "0.0000002",
              source: "Wang et al. PRE 87 052107 (2013)"),
        .init(dimension: 3, kind: .bond, value: "0.24881182", uncertainty: "0.00000010",
              source: "Wang et al. PRE 87 052107 (2013)"),
        .init(dimension: 4, kind: .site, value: "0.19688561", uncertainty: "0.00000003",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 4, kind: .bond, value: "0.16013122", uncertainty: "0.00000006",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 5, kind: .site, value: "0.14079633", uncertainty: "0.00000004",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 5, kind: .bond, value: "0.11817145", uncertainty: "0.00000003",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 6, kind: .site, value: "0.109016661", uncertainty: "0.000000008",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 6, kind: .bond, value: "0.09420165", uncertainty: "0.00000002",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 7, kind: .site, value: "0.088951121", uncertainty: "0.000000001",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 7, kind: .bond, value: "0.078675230", uncertainty: "0.000000002",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 8, kind: .site, value: "0.075210128", uncertainty: "0.000000001",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 8, kind: .bond, value: "0.0677084181", uncertainty: "0.0000000003",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 9, kind: .site, value: "0.0652095348", uncertainty: "0.0000000006",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 9, kind: .bond, value: "0.0594960034", uncertainty: "0.0000000001",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 10, kind: .site, value: "0.0575929488", uncertainty: "0.0000000004",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 10, kind: .bond, value: "0.0530925842", uncertainty: "0.0000000002",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 11, kind: .site, value: "0.0515896843", uncertainty: "0.0000000002",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 11, kind: .bond, value: "0.04794968373", uncertainty: "0.00000000008",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 12, kind: .site, value: "0.0467309755", uncertainty: "0.0000000001",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 12, kind: .bond, value: "0.04372385825", uncertainty: "0.00000000010",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 13, kind: .site, value: "0.04271507960", uncertainty: "0.00000000010",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
        .init(dimension: 13, kind: .bond, value: "0.04018761703", uncertainty: "0.00000000006",
              source: "Mertens & Moore PRE 98 022120 (2018)"),
    ]
}
