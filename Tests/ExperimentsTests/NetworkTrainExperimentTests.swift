import Foundation
import NetworkCore
import Support
import Testing
import TestSupport
@testable import Experiments

@Suite struct NetworkTrainExperimentTests {
    /// Training through the runner: the log has one row per epoch and no wall-time column; the
    /// model file's test accuracy, measured independently, is the log's last test accuracy; and
    /// the same seed at another thread count writes the identical model.
    @Test func trainsThroughTheRunner() throws {
        let dir = try TemporaryDirectory.make("train")
        var c = NetworkTrainExperiment.Configuration()
        c.data = DataSource(dataset: .synthetic)
        c.arch = "mlp:784-32-10"
        c.epochs = 2
        c.batchSize = 64
        try ExperimentRunner.run(NetworkTrainExperiment(), c, outputs: ExperimentOutputs(["table": dir + "/m.log.csv", "model": dir + "/m.safetensors"]),
                                 settings: RunSettings(seed: 5, threads: 1))
        let log = try String(contentsOfFile: dir + "/m.log.csv", encoding: .utf8).split(separator: "\n")
        #expect(log[0] == "epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy")
        #expect(log.count == 3 && log[1].hasPrefix("1,32,") && log[2].hasPrefix("2,64,"))   // 2000 / 64 → 32 steps per epoch
        let model = try ModelFile.load(dir + "/m.safetensors")
        let test = try DataSource(dataset: .synthetic).load(.test)
        let scored = model.evaluate(test.images, labels: test.labels)
        #expect(Double(log[2].split(separator: ",")[5])! == scored.accuracy)
        #expect(Double(log[2].split(separator: ",")[4])! == scored.loss)
        #expect(scored.accuracy > 0.95)   // well-separated clusters
        try ExperimentRunner.run(NetworkTrainExperiment(), c, outputs: ExperimentOutputs(["table": dir + "/n.log.csv", "model": dir + "/n.safetensors"]),
                                 settings: RunSettings(seed: 5, threads: 2))
        #expect(FileManager.default.contents(atPath: dir + "/m.safetensors") == FileManager.default.contents(atPath: dir + "/n.safetensors"))
    }
}
