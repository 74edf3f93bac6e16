import Connectivity
@testable import Experiments
import Foundation
import Support
import Testing

/// Named protocols as presets of the input-space configurations (issue 14 item 3): what a
/// preset fixes, the rejection of a configuration that names a protocol and contradicts it,
/// the catalog path (JSON overrides laid over the preset) and the vrabel2024 pair filter.
@Suite struct ProtocolPresetTests {
    @Test func pairsPresetFixesThePublishedBypassPointsAndRounds() throws {
        let trained = InputPairsExperiment.Configuration().applyingPreset(.vrabel2024)
        #expect(trained.protocol == .vrabel2024)
        #expect(trained.points == 1000 && trained.rounds == 1)
        var expected = ConnectivityProtocol.vrabel2024.bypass
        expected.pointsPerSegment = 1000
        #expect(trained.bypassSettings == expected)
        #expect(trained.bypassSettings.iterations == 1024 && !trained.bypassSettings.earlyStop)
        #expect(trained.bypassSettings.learningRate == 0.005 && trained.bypassSettings.deviationWeight == 0.1)
        #expect(trained.bypassSettings.tvWeight == 1e-8 && trained.bypassSettings.selection == .lastIterate)
        #expect(try trained.presetConflicts().isEmpty)
        try trained.validatePreset()

        var untrained = InputPairsExperiment.Configuration()
        untrained.bypassSettings = .untrained
        untrained = untrained.applyingPreset(.vrabel2024)
        #expect(untrained.rounds == 2 && untrained.bypassSettings.mode == .free)
        #expect(untrained.bypassSettings.learningRate == 0.05 && untrained.bypassSettings.iterations == 4096)
        #expect(untrained.bypassSettings.lossThreshold == 5e-4 && untrained.bypassSettings.weightDecay == 1e-7)

        // Our own preset named explicitly is today's default configuration.
        let ours = InputPairsExperiment.Configuration().applyingPreset(.modelattice)
        var plain = ours
        plain.protocol = nil
        #expect(plain == InputPairsExperiment.Configuration())
    }

    @Test func aContradictingSettingIsRejectedNamingItsField() throws {
        var c = InputPairsExperiment.Configuration().applyingPreset(.vrabel2024)
        c.network = NetworkSource(arch: "mlp:784-10")
        c.points = 250
        c.bypassSettings.pointsPerSegment = 250
        let conflicts = try c.presetConflicts()
        #expect(conflicts.map(\.field) == ["points", "bypassSettings"])
        #expect(conflicts[0].fixed == "1000" && conflicts[0].got == "250")
        do {
            try InputPairsExperiment().validate(c)
            Issue.record("a configuration contradicting vrabel2024 was accepted")
        } catch let e as ModeLatticeError {
            #expect(e.field == "points" && e.exitCode == 64)
            #expect(e.message.contains("contradicts protocol vrabel2024, which fixes it at 1000 (got 250)"), "\(e.message)")
        }
        // Without a named protocol the same settings are simply ours, adjusted.
        c.protocol = nil
        #expect(try c.presetConflicts().isEmpty)
    }

    @Test func theDefaultConfigurationEncodesNoProtocolSoFingerprintsAreUnchanged() throws {
        guard case .object(let fields) = try JSONValue(encoding: InputPairsExperiment.Configuration()) else {
            Issue.record("configuration does not encode as an object"); return
        }
        #expect(fields["protocol"] == nil)
        guard case .object(let named) = try JSONValue(encoding: InputPairsExperiment.Configuration().applyingPreset(.vrabel2024)) else { return }
        #expect(named["protocol"] == .string("vrabel2024"))
    }

    @Test func catalogOverridesAreLaidOverTheNamedPreset() throws {
        let json = { (text: String) throws -> JSONValue in try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        let c = try RegisteredExperiment.configuration(InputAdversarialExperiment.self, try json(#"{"protocol": "vrabel2024", "pairs": 70}"#))
        #expect(c == InputAdversarialExperiment.Configuration().applyingPreset(.vrabel2024))
        #expect(c.attackSettings.targetedIterations == 512 && !c.attackSettings.targetedClipsPixels)
        #expect(c.pairSelection == PairSelection(drawnPerClass: 7, keptPerClass: 5) && c.pairs == 70 && c.points == 250)
        // The preset follows the entry's own settings: pairs in free (untrained) mode get the untrained bypass and 2 rounds.
        let free = try RegisteredExperiment.configuration(InputPairsExperiment.self,
                                                          try json(#"{"protocol": "vrabel2024", "bypassSettings": {"mode": "free"}}"#))
        #expect(free.bypassSettings.mode == .free && free.bypassSettings.learningRate == 0.05 && free.rounds == 2)
        #expect(try free.presetConflicts().isEmpty)
        // A catalog entry contradicting its protocol decodes, and validation names the field.
        let bad = try RegisteredExperiment.configuration(InputAdversarialExperiment.self, try json(#"{"protocol": "vrabel2024", "pairs": 100}"#))
        #expect(throws: ModeLatticeError.self) { try InputAdversarialExperiment().validate(bad) }
        #expect(try bad.presetConflicts().map(\.field) == ["pairs"])
        // An unknown protocol is a data error that lists the valid names.
        do {
            _ = try RegisteredExperiment.configuration(InputAdversarialExperiment.self, try json(#"{"protocol": "vrabel2023"}"#))
            Issue.record("an unknown protocol was accepted")
        } catch let e as ModeLatticeError {
            #expect(e.exitCode == 65 && e.message.contains("modelattice, vrabel2024"), "\(e.message)")
        }
    }

    @Test func claimsPresetSetsEveryProtocolFieldAndOursIsTheDefault() throws {
        let v = ClaimsExperiment.Configuration().applyingPreset(.vrabel2024)
        #expect(v.attackIterations == 512 && !v.attackClipsPixels && v.attackLearningRate == 0.005)
        #expect(v.trainedBypass == ConnectivityProtocol.vrabel2024.bypass && v.untrainedBypass == ConnectivityProtocol.vrabel2024.untrainedBypass)
        #expect(v.untrainedRounds == 2 && v.points == 250 && v.synthesisIterations == 8192)
        var ours = ClaimsExperiment.Configuration().applyingPreset(.modelattice)
        ours.protocol = nil
        #expect(ours == ClaimsExperiment.Configuration())
        var mixed = v
        mixed.attackIterations = 1024
        #expect(try mixed.presetConflicts().map(\.field) == ["attackIterations"])
    }

    @Test func thePairFilterKeepsTheSmallestEndpointLossDifferencesPerClass() throws {
        func outcome(_ target: Int, _ lossA: Double, _ lossC: Double) -> InputAdversarialExperiment.Outcome {
            let b = Barrier(profile: LossProfile(alphas: [0, 0.5, 1], losses: [lossA, max(lossA, lossC) + 0.1, lossC]))
            return InputAdversarialExperiment.Outcome(target: target, source: 0, realReal: b, realAdversarial: b,
                                                      succeeded: true, attackSteps: 1, linfDistance: 0)
        }
        // Class 1: differences 0.5, 0.1, 0.3 → keep pairs 1 and 2; class 2: 0.2, 0.2 (tie → earlier), 0.9 → keep 3 and 4.
        let outcomes = [outcome(1, 1, 1.5), outcome(1, 1, 1.1), outcome(1, 1, 0.7), outcome(2, 2, 2.2), outcome(2, 2, 1.8), outcome(2, 1, 1.9)]
        let kept = try InputAdversarialExperiment.kept(outcomes, PairSelection(drawnPerClass: 3, keptPerClass: 2), \.realAdversarial)
        #expect(kept == [1, 2, 3, 4])
        #expect(try InputAdversarialExperiment.kept(outcomes, nil, \.realReal) == Set(0..<6))
    }
}
