import Support

/// The deep-linear half of ``TeacherStudentExperiment``: pairs of random factorizations of W*, a
/// center searched by ``DeepLinearCenter``, scanned along both segments.
extension TeacherStudentExperiment {
    struct LinearPair: Sendable {
        var linear: Bool
        var twoPiece: Bool
        var ratio: Double?
        var centerPathMax: Double
        var distance: Double
    }

    /// W* with iid N(0, 1/d) entries, drawn once per run from its own stream.
    static func linearTeacher(_ config: Configuration) throws -> [Double] {
        let rng = try RandomGenerator(algorithm: config.generator,
                                      seed: SeedSequence.derive(config.seed, stream: "teacher-student/linear/teacher", index: config.dimension))
        let sd = (1 / Double(config.dimension)).squareRoot()
        return (0..<(config.dimension * config.dimension)).map { _ in rng.gaussian(sigma: sd) }
    }

    static func linearRows(_ config: Configuration, teacher: [Double], width m: Int,
                           advance: @escaping @Sendable () -> Void) throws -> [[Cell]] {
        let problem = DeepLinearRegression(dimension: config.dimension, width: m, depth: config.depth, teacher: teacher)
        let stream = "teacher-student/linear/d\(config.dimension)/L\(config.depth)/m\(m)"
        let results: [LinearPair] = try ParallelMap.map(count: config.pairs, threads: config.threads) { p in
            let rng = try RandomGenerator(algorithm: config.generator, seed: SeedSequence.derive(config.seed, stream: stream, index: p))
            func draw() throws -> [Double] {
                for _ in 0..<16 { if let theta = problem.sampleMinimum(rng: rng) { return theta } }
                throw ModeLatticeError.software("could not sample a deep linear minimum at width \(m) (singular factors)")
            }
            let a = try draw(), b = try draw()
            let direct = ParameterPath.segment(a, b).maxLoss(points: config.points, loss: problem.loss)
            let found = DeepLinearCenter.search(problem, a, b, restarts: config.restarts, rng: rng)
            let path = ParameterPath.twoPiece(a, via: found.center, b)
            let pathMax = path.maxLoss(points: config.points, loss: problem.loss)
            let connected = pathMax <= config.tolerance
            advance()
            return LinearPair(linear: direct <= config.tolerance, twoPiece: connected,
                              ratio: connected ? path.lengthRatio : nil, centerPathMax: pathMax,
                              distance: ParameterPath<Double>.distance(a, b))
        }
        let n = results.count
        func row(_ statistic: String, _ count: Int, _ estimate: Double, _ stderr: Cell, _ bound: Cell = .empty) -> [Cell] {
            [.text("linear"), .text("factorization"), .int(m), .int(config.depth), .text(statistic), .int(count), .double(estimate), stderr, bound]
        }
        var rows: [[Cell]] = []
        let linear = SampleStatistics.proportion(results.map(\.linear))
        rows.append(row("linear_connected", n, linear.p, .double(linear.se)))
        let twoPiece = SampleStatistics.proportion(results.map(\.twoPiece))
        rows.append(row("two_piece_connected", n, twoPiece.p, .double(twoPiece.se),
                        m > 2 * config.depth - 1 ? .double(1) : .empty))
        let connected = results.filter(\.twoPiece)
        rows.append(row("center_path_max_loss", connected.count, connected.map(\.centerPathMax).max() ?? .nan, .empty))
        let ratios = SampleStatistics.mean(connected.compactMap(\.ratio))
        rows.append(row("geodesic_ratio", connected.count, ratios.mean, .double(ratios.se)))
        rows.append(row("geodesic_ratio_max", connected.count, connected.compactMap(\.ratio).max() ?? .nan, .empty))
        let distance = SampleStatistics.mean(results.map(\.distance))
        rows.append(row("distance", n, distance.mean, .double(distance.se)))
        return rows
    }
}
