import Connectivity
import Foundation
import NetworkCore
import Support

/// The PyTorch side of the interop suite: where the project's `.venv` python is, whether it imports
/// torch, and one shared run of `scripts/interop/torch_side.py` over fixtures ModeLattice wrote.
///
/// `make test` installs torch 2.13.0+cpu, safetensors and numpy into `.venv`
/// (scripts/interop/install.sh). Under CI=true the suite runs whatever happens and fails when torch
/// cannot be imported; elsewhere it is skipped, with that reason, when torch is missing.
enum TorchSide {
    /// The package root (this file is Tests/InteropTests/TorchSide.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv/bin/python").path
    static let script = root.appendingPathComponent("scripts/interop/torch_side.py").path
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Why torch cannot be used, or nil when `.venv/bin/python` finds torch, safetensors and numpy.
    /// Only looked up, not imported: importing torch costs seconds, and the script imports it anyway
    /// (a torch that is found but broken then fails the suite rather than skipping it).
    static let unavailable: String? = {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return "no \(python); `make test` (scripts/interop/install.sh) installs torch into it"
        }
        let lookup = "import importlib.util, sys; sys.exit(any(importlib.util.find_spec(m) is None for m in ('torch', 'safetensors', 'numpy')))"
        let r = run(python, ["-c", lookup])
        return r.status == 0 ? nil : "\(python) does not have torch, safetensors and numpy \(r.stderr.suffix(300))"
    }()

    /// The suite runs under CI=true always (and fails without torch), elsewhere only with torch.
    static var enabled: Bool { inCI || unavailable == nil }

    /// The fixtures and both sides' results, built once for all tests of the suite.
    static let shared: Result<InteropRun, InteropFailure> = {
        if let why = unavailable { return .failure(InteropFailure(message: "PyTorch unavailable: \(why)")) }
        do { return .success(try InteropRun.make()) } catch let e as InteropFailure {
            return .failure(e)
        } catch {
            return .failure(InteropFailure(message: "\(error)"))
        }
    }()

    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "1"
        environment["MKL_NUM_THREADS"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

struct InteropFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// ‖x − y‖₂ / ‖y‖₂ (0 when both are 0).
func relativeError(_ x: some Collection<Float>, _ y: some Collection<Float>) -> Double {
    var diff = 0.0, norm = 0.0
    for (a, b) in zip(x, y) {
        diff += (Double(a) - Double(b)) * (Double(a) - Double(b))
        norm += Double(b) * Double(b)
    }
    return norm > 0 ? (diff / norm).squareRoot() : diff.squareRoot()
}

/// Largest row-wise relative error of two [rows, width] arrays.
func rowwiseRelativeError(_ x: [Float], _ y: [Float], width: Int) -> Double {
    stride(from: 0, to: y.count, by: width).map { relativeError(x[$0..<($0 + width)], y[$0..<($0 + width)]) }.max() ?? 0
}
