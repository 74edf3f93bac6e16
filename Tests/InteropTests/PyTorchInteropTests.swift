import Connectivity
import Foundation
import NetworkCore
import Support
import Testing

/// ModeLattice beside PyTorch 2.13 (CPU, float32, one thread) on the same model files and inputs:
/// logits and input gradients, the loss along a segment, the seed paper's bypass, and state_dicts
/// crossing in both directions through safetensors. Relative errors are ‖ours − torch‖₂/‖torch‖₂
/// per example (row), the largest over the examples.
@Suite(.serialized, .enabled(if: TorchSide.enabled, "PyTorch is not installed in .venv (make test installs it)"))
struct PyTorchInteropTests {
    func run() throws -> InteropRun {
        switch TorchSide.shared {
        case .success(let r): return r
        case .failure(let e): throw e            // under CI=true: torch must be importable
        }
    }

    func checkForward(_ name: String, tolerance: Double) throws {
        let f = try #require(try run().forwards[name])
        let logits = rowwiseRelativeError(f.ours.logits, f.torch.logits, width: f.classes)
        let losses = zip(f.ours.losses, f.torch.losses).map { abs(Double($0) - Double($1)) / abs(Double($1)) }.max() ?? 0
        let gradients = rowwiseRelativeError(f.ours.gradients, f.torch.gradients, width: f.inputSize)
        print("interop \(f.spec): logits \(logits), CE \(losses), input gradients \(gradients) (relative)")
        #expect(f.torch.logits.count == f.ours.logits.count && f.torch.gradients.count == f.ours.gradients.count)
        #expect(logits <= tolerance, "logits of \(f.spec): relative error \(logits)")
        #expect(losses <= tolerance, "cross-entropy of \(f.spec): relative error \(losses)")
        #expect(gradients <= tolerance, "input gradients of \(f.spec): relative error \(gradients)")
    }

    @Test func mlpLogitsAndInputGradientsMatch() throws { try checkForward("mlp", tolerance: 1e-5) }

    @Test func smallCNNLogitsAndInputGradientsMatch() throws { try checkForward("cnn", tolerance: 1e-4) }

    @Test func resnet18CifarLogitsAndInputGradientsMatch() throws { try checkForward("resnet", tolerance: 1e-4) }

    /// CE at the 250 points A + t(C − A), t = i/249: every point within 1e-5 relative.
    @Test func lossAlongASegmentMatches() throws {
        let r = try run()
        for s in r.segments {
            #expect(s.ours.count == r.segmentPoints && s.torch.count == r.segmentPoints)
            let worst = zip(s.ours, s.torch).map { abs($0 - Double($1)) / abs(Double($1)) }.max() ?? .infinity
            print("interop \(s.spec): segment CE, largest relative error \(worst)")
            #expect(worst <= 1e-5, "segment losses of \(s.spec): relative error \(worst)")
        }
    }

    /// 16 steps of the vrabel2024 bypass (Adam 0.005 on CE + 0.1·MSE + 1e-8·TV, gradient projected
    /// orthogonal to C − A) from the same B: the same B′ within 1e-4 relative. The move B′ − B is
    /// compared too, since B′ ≈ B would make the first check easy.
    @Test func vrabel2024BypassStepsMatch() throws {
        let r = try run()
        for b in r.bypasses {
            #expect(b.torch.count == b.ours.count)
            let point = relativeError(b.ours, b.torch)
            let ourMove = zip(b.ours, b.start).map { $0 - $1 }, torchMove = zip(b.torch, b.start).map { $0 - $1 }
            let move = relativeError(ourMove, torchMove)
            let size = relativeError(torchMove, [Float](repeating: 0, count: torchMove.count))
            print("interop \(b.spec): \(r.bypassSteps) bypass steps, B′ relative error \(point), B′ − B relative error \(move), |B′ − B| \(size)")
            #expect(point <= 1e-4, "B′ of \(b.spec): relative error \(point)")
            #expect(size > 0.01, "the bypass moved B by only \(size)")
            #expect(move <= 1e-3, "B′ − B of \(b.spec): relative error \(move)")
        }
    }

    /// state_dicts saved by `safetensors.torch.save_file` (with and without the spec in the
    /// metadata) load into ModeLattice and give PyTorch's logits; the other direction, a ModeLattice
    /// file into `load_state_dict(strict=True)`, is what every forward check above loads.
    @Test func pytorchStateDictsLoadIntoModeLattice() throws {
        let r = try run()
        #expect(r.exports.count == 2)
        for e in r.exports {
            #expect(e.ours.count == e.torch.count)
            let error = rowwiseRelativeError(e.ours, e.torch, width: 10)
            print("interop \(e.spec): PyTorch-saved model, logits relative error \(error)")
            #expect(error <= (e.spec.hasPrefix("mlp") ? 1e-5 : 1e-4), "logits of PyTorch's \(e.spec): relative error \(error)")
        }
        print("interop: torch_side.py ran \(String(format: "%.1f", r.torchSeconds)) s")
    }
}
