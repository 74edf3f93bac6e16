import Foundation
import Testing
import TestSupport
@testable import NetworkCore
import Support

@Suite(.serialized) struct TrainingTests {
    /// Writes a plain (uncompressed) IDX file; gzread reads plain files as well as gzip.
    func writeIDX(_ path: String, shape: [Int], bytes: [UInt8]) throws {
        var out: [UInt8] = [0, 0, 8, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
        try Data(out + bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func idxDirectoryLoadsAndScalesPixels() throws {
        let dir = try TemporaryDirectory.make("nc")
        try writeIDX(dir + "/train-images-idx3-ubyte", shape: [2, 2, 3], bytes: [0, 255, 51, 102, 0, 0, 1, 2, 3, 4, 5, 6])
        try writeIDX(dir + "/train-labels-idx1-ubyte", shape: [2], bytes: [3, 9])
        let d = try MNISTFormat.load(.train, directory: dir)
        #expect(d.shape == [1, 2, 3])
        #expect(d.labels == [3, 9])
        #expect(d.images[1] == 1 && abs(d.images[2] - 0.2) < 1e-7 && d.images[0] == 0)
        // Mismatched counts and a missing split are one-line errors.
        try writeIDX(dir + "/t10k-images-idx3-ubyte", shape: [2, 2, 3], bytes: [UInt8](repeating: 0, count: 12))
        try writeIDX(dir + "/t10k-labels-idx1-ubyte", shape: [3], bytes: [0, 1, 2])
        #expect(throws: ModeLatticeError.self) { try MNISTFormat.load(.test, directory: dir) }
        do { _ = try MNISTFormat.load(.train, directory: dir + "/nowhere") } catch let e as ModeLatticeError {
            #expect(e.kind == .io && e.message.contains("train-images-idx3-ubyte"))
        }
        // A header that lies about the size.
        try writeIDX(dir + "/train-images-idx3-ubyte", shape: [3, 2, 3], bytes: [UInt8](repeating: 0, count: 12))
        #expect(throws: ModeLatticeError.self) { try MNISTFormat.load(.train, directory: dir) }
    }

    @Test func missingDefaultDatasetNamesTheDebianPackage() {
        do {
            _ = try MNISTFormat.load(.test, defaultDirectory: "/nonexistent/fashion-mnist")
            Issue.record("expected an error")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .io && e.message.contains("dataset-fashion-mnist") && !e.message.contains("\n"))
        } catch { Issue.record("\(error)") }
    }

    @Test func fashionMNISTIsInstalledAndComplete() throws {
        let train = try MNISTFormat.load(.train)
        let test = try MNISTFormat.load(.test)
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect(train.shape == [1, 28, 28] && train.classes == 10)
        // Balanced classes: 6000 per class in train, 1000 in test (Xiao et al. 2017).
        for c in 0..<10 { #expect(test.labels.filter { $0 == Int32(c) }.count == 1000) }
        #expect(train.images.min()! == 0 && train.images.max()! == 1)
    }

    @Test func subsetsAreDeterministicBySeed() throws {
        let d = try GaussianMixture.make(classes: 3, shape: [4], count: 100, seed: 1)
        let a = try d.subset(10, seed: 5), b = try d.subset(10, seed: 5), c = try d.subset(10, seed: 6)
        #expect(a.images == b.images && a.labels == b.labels)
        #expect(a.images != c.images)
        #expect(a.count == 10)
    }

    /// A short run on a Fashion-MNIST subset reaches a sensible held-out accuracy.
    @Test func shortTrainingRunLearnsFashionMNIST() throws {
        BLAS.setThreads(2)
        let train = try MNISTFormat.load(.train).subset(8000, seed: 1)
        let test = try MNISTFormat.load(.test).subset(2000, seed: 2)
        var model = try Sequential.random(spec: "mlp:784-128-10", seed: 1)
        let before = model.evaluate(test.images, labels: test.labels)
        let records = try Training.train(&model, on: train, evaluation: test,
                                         configuration: TrainingConfiguration(epochs: 3, batchSize: 64, seed: 1))
        let after = model.evaluate(test.images, labels: test.labels)
        #expect(before.accuracy < 0.25)
        #expect(after.accuracy > 0.78)
        #expect(records.last!.testAccuracy == after.accuracy)
        #expect(records.map(\.trainLoss) == records.map(\.trainLoss).sorted(by: >))
    }

    /// Training is a deterministic function of the seed at a fixed thread count, and (OpenBLAS
    /// sgemm never splitting the inner dimension) also across 1 and 2 BLAS threads.
    @Test func trainingIsReproducible() throws {
        let data = try GaussianMixture.make(classes: 4, shape: [1, 6, 6], count: 600, seed: 3)
        func run(threads: Int, seed: UInt64) throws -> [Float] {
            BLAS.setThreads(threads)
            var m = try Sequential.random(spec: "cnn:1x6x6:c8k3p1-r-m2-f-l64-r-l4", seed: 4)
            _ = try Training.train(&m, on: data, configuration: TrainingConfiguration(epochs: 2, batchSize: 32, seed: seed))
            return m.parameters
        }
        let a = try run(threads: 2, seed: 1)
        #expect(a == (try run(threads: 2, seed: 1)))
        #expect(a != (try run(threads: 2, seed: 2)))
        #expect(a == (try run(threads: 1, seed: 1)))
        BLAS.setThreads(2)
    }

    @Test func nanLossStopsWithTheStep() throws {
        let data = try GaussianMixture.make(classes: 3, shape: [5], count: 64, seed: 3)
        var m = try Sequential.random(spec: "mlp:5-16-3", seed: 1)
        do {
            _ = try Training.train(&m, on: data, configuration: TrainingConfiguration(epochs: 5, batchSize: 8, optimizer: .sgd, learningRate: 1e30, seed: 1))
            Issue.record("expected a NaN/inf loss error")
        } catch let e as ModeLatticeError {
            #expect(e.kind == .software)
            #expect(e.message.contains("at step ") && e.message.contains("lower the learning rate"))
        }
    }

    /// Batched helpers agree with one-example passes (no batch averaging in per-example gradients).
    @Test func perExampleGradientsDoNotDependOnTheBatch() throws {
        let model = try Sequential.random(spec: "cnn:1x8x8:c4k3p1-r-a2-f-l6", seed: 8)
        let n = 9
        let x = gaussianValues(n * model.inputSize, seed: 1)
        let labels = (0..<n).map { Int32($0 % 6) }
        let all = model.crossEntropy(x, labels: labels, chunk: 4)
        for i in [0, 4, 8] {
            let one = model.crossEntropy(Array(x[(i * 64)..<((i + 1) * 64)]), labels: [labels[i]])
            #expect(abs(one.losses[0] - all.losses[i]) < 1e-6)
            #expect(GradientCheck.relativeError(one.gradient.map(Double.init), all.gradient[(i * 64)..<((i + 1) * 64)].map(Double.init)) < 1e-5)
        }
        let logits = model.outputs(x, count: n, chunk: 2)
        let mean = CrossEntropy.mean(logits: logits, labels: labels, classes: 6)
        #expect(abs(mean.loss - all.losses.map(Double.init).reduce(0, +) / Double(n)) < 1e-6)
    }
}
