import Foundation
import Testing
@testable import NetworkCore

/// ``VectorTanh`` against glibc's Double tanh rounded to Float (the correctly rounded tanhf up to
/// Double's own error), and its special values.
@Suite struct VectorTanhTests {
    /// Float ulps between a and b (same sign, finite).
    static func ulps(_ a: Float, _ b: Float) -> Int {
        abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern)))
    }

    @Test func matchesCorrectlyRoundedTanhToOneUlp() {
        // Every 1531st Float in [2^-30, 24], both signs (378 064 values): both branches, the switch
        // at 1/16 and the saturation near 9 are covered densely. Measured: all 378 064 equal.
        var inputs: [Float] = []
        var bits = Float(0x1p-30).bitPattern
        while Float(bitPattern: bits) < 24 { inputs.append(Float(bitPattern: bits)); bits &+= 1531 }
        inputs += inputs.map { -$0 }
        var out = [Float](repeating: .nan, count: inputs.count)
        inputs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorTanh.apply(x.baseAddress!, $0.baseAddress!, count: x.count) } }
        var worst = 0, inexact = 0
        for (x, y) in zip(inputs, out) {
            let reference = Float(Foundation.tanh(Double(x)))
            let d = Self.ulps(y, reference)
            worst = max(worst, d)
            if d != 0 { inexact += 1 }
        }
        #expect(worst <= 1, "worst \(worst) ulp")
        // Double's error is ~1e-15 relative: a Float rounding it changes is a rare straddle.
        #expect(inexact * 10_000 < inputs.count, "\(inexact) of \(inputs.count) differ from the rounded Double tanh")
    }

    @Test func specialValuesAndTails() {
        let inputs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 1e-38, -1e-45, 0.0625, 0.06249999, 9, 9.1, 20, 1e30, -3]
        var out = [Float](repeating: 7, count: inputs.count)
        // count 14: one vector of 8 and a zero-padded tail of 6.
        inputs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorTanh.apply(x.baseAddress!, $0.baseAddress!, count: x.count) } }
        #expect(out[0] == 0 && out[0].sign == .plus && out[1] == 0 && out[1].sign == .minus)
        #expect(out[2] == 1 && out[3] == -1 && out[4].isNaN)
        #expect(out[5] == 1e-38 && out[6] == -1e-45)
        for i in 7..<inputs.count where !inputs[i].isNaN {
            #expect(out[i] == Float(Foundation.tanh(Double(inputs[i]))), "tanh(\(inputs[i]))")
        }
        #expect(out[12] == 1 && out[13] == Float(Foundation.tanh(-3.0)))
    }
}
