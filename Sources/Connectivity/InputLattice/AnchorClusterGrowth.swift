import Foundation
import Support

/// Growth of the open cluster of the anchor on the FULL-dimensional axis-aligned lattice
/// anchor + h·Z^n (n = input dimension, e.g. 784), no lattice stored: sites are hashed sparse
/// displacements (``LatticeDisplacement``). Breadth-first (Leath 1976 order): the anchor is
/// evaluated first; every open site taken from the queue has its not-yet-seen 2n neighbours
/// x ± h e_j scored as ONE batch through the classifier, and the open ones join the cluster and
/// the queue. The run ends when the queue empties (the cluster died, finite) or when the cluster
/// reaches `cap` sites (survived). Every site is evaluated at most once (closed ones are
/// remembered too), so `evaluations` counts distinct network evaluations.
///
/// For iid site percolation on Z^n this is Leath growth, whose survival to size s decays as
/// s^(−(τ−2)) at p_c ≈ 1/(2n−1) and tends to a positive constant above it; for a network the sites
/// are correlated, which is what the comparison measures.
public struct AnchorClusterGrowth: Sendable {
    public var anchor: [Float]
    public var spacing: Double
    public var rule: OpenRule
    public var target: Int
    public var cap: Int

    public struct Result: Sendable, Equatable, Codable {
        public var clusterSize: Int
        public var survived: Bool
        public var evaluations: Int
        /// Largest lattice distance from the anchor reached by the cluster.
        public var radius: Int
    }

    public init(anchor: [Float], spacing: Double, rule: OpenRule, target: Int, cap: Int) throws {
        guard spacing > 0, spacing.isFinite else { throw ModeLatticeError.usage("--spacing must be positive (got \(spacing))") }
        guard cap >= 1 else { throw ModeLatticeError.usage("--cap must be at least 1 (got \(cap))") }
        if case .quantile = rule {
            throw ModeLatticeError.usage("--open quantile:q needs a finite lattice; growth on h·Z^n takes class or loss:TAU")
        }
        guard anchor.count <= LatticeDisplacement.maximumAxes else {
            throw ModeLatticeError.usage("inputs of more than \(LatticeDisplacement.maximumAxes) values are not supported by growth")
        }
        self.anchor = anchor
        self.spacing = spacing
        self.rule = rule
        self.target = target
        self.cap = cap
    }

    /// Writes anchor + h·Σ k_j e_j into `out`.
    public func fill(_ site: LatticeDisplacement, into out: UnsafeMutableBufferPointer<Float>) {
        for j in 0..<anchor.count { out[j] = anchor[j] }
        for e in site.entries {
            let j = LatticeDisplacement.axis(e)
            out[j] = Float(Double(anchor[j]) + spacing * Double(LatticeDisplacement.steps(e)))
        }
    }

    /// Scores of `sites` through the classifier (one batch).
    func open(_ sites: [LatticeDisplacement], classifier: any InputClassifier) throws -> [Bool] {
        let n = anchor.count
        var inputs = [Float](repeating: 0, count: sites.count * n)   // [sites, n]
        inputs.withUnsafeMutableBufferPointer { buf in
            for (i, s) in sites.enumerated() { fill(s, into: UnsafeMutableBufferPointer(rebasing: buf[(i * n)..<((i + 1) * n)])) }
        }
        let z = try classifier.logits(inputs, count: sites.count)
        let (predicted, loss) = SiteEvaluator.reduce(z, count: sites.count, classes: classifier.classCount, target: target)
        return (0..<sites.count).map { rule.isOpen(loss: loss[$0], predicted: Int(predicted[$0]), target: target)! }
    }

    public func run(classifier: any InputClassifier) throws -> Result {
        guard classifier.inputSize == anchor.count else {
            throw ModeLatticeError.data("the anchor has \(anchor.count) values but the model takes \(classifier.inputSize)")
        }
        guard target >= 0, target < classifier.classCount else {
            throw ModeLatticeError.usage("class \(target) is not an output of the model (it has \(classifier.classCount) classes)")
        }
        let origin = LatticeDisplacement()
        var evaluations = 1
        guard try open([origin], classifier: classifier)[0] else {
            return Result(clusterSize: 0, survived: false, evaluations: evaluations, radius: 0)
        }
        var seen: Set<LatticeDisplacement> = [origin]
        var queue: [LatticeDisplacement] = [origin]
        var head = 0, size = 1, radius = 0
        let n = anchor.count
        while head < queue.count && size < cap {
            let site = queue[head]; head += 1
            var fresh: [LatticeDisplacement] = []
            fresh.reserveCapacity(2 * n)
            for j in 0..<n {
                for delta in [-1, 1] {
                    if let nb = site.moved(axis: j, by: delta), seen.insert(nb).inserted { fresh.append(nb) }
                }
            }
            if fresh.isEmpty { continue }
            let isOpen = try open(fresh, classifier: classifier)
            evaluations += fresh.count
            for (nb, o) in zip(fresh, isOpen) where o {
                queue.append(nb)
                size += 1
                radius = max(radius, nb.latticeDistance)
                if size >= cap { break }
            }
        }
        return Result(clusterSize: size, survived: size >= cap, evaluations: evaluations, radius: radius)
    }
}
