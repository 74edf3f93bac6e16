import Testing
@testable import Percolation
import Support

@Suite struct LatticeTests {
    @Test func rejectsImpossibleLattices() {
        for (d, l) in [(0, 4), (2, 1), (3, 2000), (31, 2)] {
            #expect(throws: ModeLatticeError.self) { try HypercubicLattice(dimension: d, side: l, boundary: .open) }
            do { _ = try HypercubicLattice(dimension: d, side: l, boundary: .periodic) } catch let e as ModeLatticeError {
                #expect(e.kind == .usage)
            } catch { Issue.record("unexpected \(error)") }
        }
        // 2^31 - 1 sites is allowed (nothing is allocated by the geometry).
        #expect(throws: Never.self) { try HypercubicLattice(dimension: 1, side: Int(Int32.max), boundary: .open) }
    }

    @Test func geometryInCOrder() throws {
        let lattice = try HypercubicLattice(dimension: 3, side: 4, boundary: .periodic)
        #expect(lattice.strides == [16, 4, 1])
        #expect(lattice.coordinates(of: 27) == [1, 2, 3])
        #expect(lattice.site(at: [1, 2, 3]) == 27)
        #expect(lattice.neighbour(of: 27, axis: 2, step: 1)! == (24, true))
        #expect(lattice.neighbour(of: 27, axis: 0, step: -1)! == (11, false))
        let open = try HypercubicLattice(dimension: 3, side: 4, boundary: .open)
        #expect(open.neighbour(of: 27, axis: 2, step: 1) == nil)
        #expect(open.bondCount == 3 * 16 * 3)
        #expect(lattice.bondCount == 3 * 64)
    }

    @Test func unionFindLayoutFitsFourBytesForTheBenchmarkLattices() throws {
        let square = try HypercubicLattice(dimension: 2, side: 1024, boundary: .periodic)
        #expect(square.unionFindBytesPerSite == 4)
        #expect(square.windingBitsPerAxis == 5)      // 20 index bits, 10 spare: 2 lanes of 5
        let cube = try HypercubicLattice(dimension: 3, side: 128, boundary: .periodic)
        #expect(cube.unionFindBytesPerSite == 4)
        #expect(cube.windingBitsPerAxis == 3)
        let huge = try HypercubicLattice(dimension: 2, side: 46340, boundary: .periodic)
        #expect(huge.unionFindBytesPerSite == 8)
        #expect(huge.windingBitsPerAxis == 15)
    }

    @Test func windingLanesAddAndSubtractIndependently() {
        var state: UInt64 = 0x1234_5678_9ABC_DEF0
        func next() -> UInt64 { state = SeedSequence.mix(state); return state }
        for (d, b) in [(1, 1), (2, 5), (3, 3), (4, 2), (6, 8), (2, 16)] {
            let group = WindingGroup(dimension: d, bits: b)
            let lane: UInt64 = (1 << UInt64(b)) - 1
            for _ in 0..<200 {
                let x = next() & group.full, y = next() & group.full
                var sum: UInt64 = 0, difference: UInt64 = 0, nonzero: UInt32 = 0
                for a in 0..<d {
                    let shift = UInt64(a * b)
                    let xa = (x >> shift) & lane, ya = (y >> shift) & lane
                    sum |= ((xa &+ ya) & lane) << shift
                    difference |= ((xa &- ya) & lane) << shift
                    if xa != 0 { nonzero |= 1 << UInt32(a) }
                }
                #expect(group.add(x, y) == sum)
                #expect(group.subtract(x, y) == difference)
                #expect(group.nonzeroAxes(x) == nonzero)
            }
        }
    }
}

@Suite struct LabelingTests {
    /// Every field of the labeling against the independent flood fill, on random masks in 1–4
    /// dimensions, both boundaries, through both union-find layouts.
    @Test func matchesFloodFillOnRandomMasks() throws {
        let cases: [(Int, Int)] = [(1, 2), (1, 9), (2, 2), (2, 3), (2, 7), (2, 16), (3, 2), (3, 5), (3, 8), (4, 3), (4, 4)]
        var seed: UInt64 = 11
        for (d, side) in cases {
            for boundary in HypercubicLattice.Boundary.allCases {
                let lattice = try HypercubicLattice(dimension: d, side: side, boundary: boundary)
                for p in [0.2, 0.45, 0.6, 0.85] {
                    seed += 1
                    let mask = try IIDMask.generate(lattice: lattice, p: p, rng: RandomGenerator(seed: seed))
                    let reference = ReferenceClusters(site: mask.map { $0 != 0 }, lattice: lattice)
                    for layout: ForestLayout? in [nil, .wide(windingBits: lattice.isPeriodic ? 7 : 0)] {
                        let result = try mask.withUnsafeBufferPointer {
                            try ClusterLabeling.label(occupied: $0, lattice: lattice, siteLabels: true, layout: layout)
                        }
                        let context = "\(lattice) p=\(p) layout=\(String(describing: layout))"
                        #expect(result.occupied == reference.occupied, "\(context)")
                        #expect(result.clusters == reference.sizes.count, "\(context)")
                        #expect(result.largest == reference.largest, "\(context)")
                        #expect(result.secondLargest == reference.secondLargest, "\(context)")
                        #expect(result.sumOfSquaredSizes == reference.sumSquares, "\(context)")
                        #expect(result.wrappingAxes == reference.wrapping, "\(context)")
                        #expect(result.spanning == reference.spanning, "\(context)")
                        #expect(result.labels! == reference.labels.map { Int32($0) }, "\(context)")
                        let expectedHistogram = Dictionary(grouping: reference.sizes, by: { $0 })
                            .map { LabelingResult.SizeCount(size: $0.key, count: $0.value.count) }
                            .sorted { $0.size < $1.size }
                        #expect(result.histogram == expectedHistogram, "\(context)")
                        let expected = reference.observables(sites: lattice.siteCount, periodic: false)[5]
                        #expect(abs(result.pairConnectivity - expected) < 1e-14, "\(context)")
                    }
                }
            }
        }
    }

    @Test func boolAndByteMasksAgreeAndEdgeCases() throws {
        let lattice = try HypercubicLattice(dimension: 2, side: 4, boundary: .periodic)
        // A full row wraps along axis 1 only; a lone site does not wrap.
        var mask = [Bool](repeating: false, count: 16)
        for c in 0..<4 { mask[lattice.site(at: [1, c])] = true }
        mask[lattice.site(at: [3, 1])] = true
        let a = try ClusterLabeling.label(occupied: mask, lattice: lattice)
        let b = try ClusterLabeling.label(occupied: mask.map { $0 ? UInt8(7) : 0 }, lattice: lattice)
        #expect(a == b)
        #expect(a.wrappingAxes == [false, true])
        #expect(a.clusters == 2 && a.largest == 4 && a.secondLargest == 1)
        #expect(a.pairConnectivity == Double(4 * 3) / Double(5 * 4))
        let empty = try ClusterLabeling.label(occupied: [Bool](repeating: false, count: 16), lattice: lattice)
        #expect(empty.clusters == 0 && empty.largest == 0 && empty.pairConnectivity == 0 && empty.histogram.isEmpty)
        #expect(throws: ModeLatticeError.self) { try ClusterLabeling.label(occupied: [true], lattice: lattice) }
        // Open: a column from face 0 to face L-1 of axis 0 spans; a row does not.
        let open = try HypercubicLattice(dimension: 2, side: 4, boundary: .open)
        var column = [UInt8](repeating: 0, count: 16)
        for c in 0..<4 { column[open.site(at: [c, 2])] = 1 }
        #expect(try ClusterLabeling.label(occupied: column, lattice: open).spanning)
        var row = [UInt8](repeating: 0, count: 16)
        for c in 0..<4 { row[open.site(at: [2, c])] = 1 }
        #expect(try !ClusterLabeling.label(occupied: row, lattice: open).spanning)
    }
}
