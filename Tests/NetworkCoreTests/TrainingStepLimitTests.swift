import Testing
@testable import NetworkCore
import Support

/// `TrainingConfiguration.steps` and `afterStep`: a run cut after S steps is the first S steps of
/// the full run, step for step the same as a hand-written loop over the epoch permutation.
@Suite struct TrainingStepLimitTests {
    @Test func aStepLimitIsTheStartOfTheFullRunAndMatchesAHandWrittenLoop() throws {
        let data = try GaussianMixture.make(classes: 3, shape: [5], count: 64, seed: 3)
        let start = try Sequential.random(spec: "mlp:5-8-3", seed: 2)
        // Full epochs by either route: identical bits.
        var byEpochs = start, bySteps = start
        _ = try Training.train(&byEpochs, on: data, configuration: TrainingConfiguration(epochs: 2, batchSize: 16, seed: 9))
        var seen: [Int] = []
        _ = try Training.train(&bySteps, on: data, configuration: TrainingConfiguration(epochs: 0, batchSize: 16, seed: 9, steps: 8),
                               afterStep: { step, _, _ in seen.append(step) })
        #expect(bySteps.parameters == byEpochs.parameters)
        #expect(seen == Array(1...8))
        // Three steps, keeping the model after step 2, against a loop written out here.
        var cut = start
        var kept: Sequential?
        _ = try Training.train(&cut, on: data, configuration: TrainingConfiguration(epochs: 0, batchSize: 16, seed: 9, steps: 3),
                               afterStep: { step, _, model in if step == 2 { kept = model } })
        var manual = start
        var adam = Adam(learningRate: 1e-3)
        let order = try RandomGenerator(seed: SeedSequence.derive(9, stream: "shuffle", index: 0)).permutation(64).map(Int.init)
        let ws = Workspace(model: manual, capacity: 16)
        var dz = [Float](repeating: 0, count: 16 * 3)
        for s in 0..<3 {
            let rows = order[(16 * s)..<(16 * s + 16)]
            let x = rows.flatMap { data.images[($0 * 5)..<($0 * 5 + 5)] }
            let y = rows.map { data.labels[$0] }
            manual.crossEntropyGradient(x, labels: y, batch: 16, workspace: ws, logitGradient: &dz)
            adam.step(&manual.parameters, gradient: ws.parameterGradient)
            if s == 1 { #expect(kept?.parameters == manual.parameters) }
        }
        #expect(cut.parameters == manual.parameters)
        #expect(cut.parameters != start.parameters)
    }
}
