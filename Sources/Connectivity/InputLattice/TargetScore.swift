import Foundation

/// The score of a site for target class t, from the network's Float logits z (K classes): the
/// cross-entropy (negative log-softmax of t) evaluated in Double,
///     CE = (z_max − z_t) + log1p( Σ_{c ≠ argmax} exp(z_c − z_max) ),
/// which keeps full relative precision when t wins by a wide margin (the Float cross-entropy
/// rounds to exactly 0 once the margin exceeds ~17; this form only underflows past ~745). Also
/// the predicted class (argmax, lowest index on ties) and whether t ties for the maximum with
/// another class (the class rule's tie).
struct TargetScore: Sendable {
    var loss: Double
    var predicted: Int
    var classTie: Bool

    init(_ z: UnsafeBufferPointer<Float>, target t: Int) {
        let k = z.count
        var best = 0
        var mx = z[0]
        for c in 1..<k where z[c] > mx { mx = z[c]; best = c }
        let m = Double(mx)
        var s = 0.0
        for c in 0..<k where c != best { s += exp(Double(z[c]) - m) }
        var l = (m - Double(z[t])) + log1p(s)
        if !l.isFinite { l = .infinity }
        loss = l
        predicted = best
        var tie = false
        if z[t] == mx { for c in 0..<k where c != t && z[c] == mx { tie = true; break } }
        classTie = tie
    }
}
