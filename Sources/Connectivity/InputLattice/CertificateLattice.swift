import Foundation
import Support

/// The lattice a certificate lives on, aligned with a pair (A, C): axis 0 runs along C − A with
/// K steps from A to C, axes 1 … m−1 along random unit directions u_i orthogonal to C − A, all with
/// spacing h = ‖C − A‖ / K:
///     x(k) = (1 − k_0/K)·A + (k_0/K)·C + h · Σ_{i≥1} k_i u_i,   k ∈ Z^m,
/// written so that k = 0 gives A and k = (K, 0, …, 0) gives C exactly in Float arithmetic. The
/// lattice is unbounded (sites are hashed coordinate vectors); the lattice distance from A to C is K.
public struct CertificateLattice: Sendable {
    public let a: [Float]          // [n]
    public let c: [Float]          // [n]
    public let steps: Int          // K
    public let axes: Int           // m
    public let spacing: Double     // h
    /// h·u_i for i = 1 … m−1, [m−1, n]; row 0 of the frame (C − A direction) is implicit.
    let scaledDirections: [Float]

    public init(a: [Float], c: [Float], steps: Int, axes: Int, rng: RandomGenerator) throws {
        guard a.count == c.count else { throw ModeLatticeError.data("the two inputs have different sizes (\(a.count), \(c.count))") }
        guard steps >= 1 else { throw ModeLatticeError.invalid("steps", "must be at least 1 (got \(steps))") }
        guard axes >= 1, axes <= a.count else {
            throw ModeLatticeError.invalid("axes", "must be between 1 and the input dimension \(a.count) (got \(axes))")
        }
        let diff = zip(c, a).map { Double($0) - Double($1) }
        let distance = diff.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard distance > 0 else { throw ModeLatticeError.data("the two inputs of a pair are equal; nothing to connect") }
        let frame = try OrthonormalDirections.random(count: axes, dimension: a.count, rng: rng,
                                                     prefix: [diff.map { $0 / distance }])
        let h = distance / Double(steps)
        self.a = a
        self.c = c
        self.steps = steps
        self.axes = axes
        self.spacing = h
        self.scaledDirections = Array(frame[a.count...]).map { Float($0 * h) }
    }

    public var start: [Int] { [Int](repeating: 0, count: axes) }
    public var goal: [Int] { [steps] + [Int](repeating: 0, count: axes - 1) }

    /// L1 distance in lattice steps.
    public static func distance(_ x: [Int], _ y: [Int]) -> Int { zip(x, y).reduce(0) { $0 + abs($1.0 - $1.1) } }

    public func fill(_ k: [Int], into out: UnsafeMutableBufferPointer<Float>) {
        let n = a.count
        let t = Float(k[0]) / Float(steps)
        for j in 0..<n { out[j] = (1 - t) * a[j] + t * c[j] }
        for i in 1..<axes where k[i] != 0 {
            let ki = Float(k[i])
            for j in 0..<n { out[j] += ki * scaledDirections[(i - 1) * n + j] }
        }
    }

    public func point(_ k: [Int]) -> [Float] {
        var x = [Float](repeating: 0, count: a.count)
        x.withUnsafeMutableBufferPointer { fill(k, into: $0) }
        return x
    }
}
