import Foundation
import Support

/// A lattice certificate of connectivity: a chain of nearest-neighbour sites of a
/// ``CertificateLattice`` from A to C, every one of them evaluated and open under the rule. Found by
/// best-first search (weighted A*, Hart, Nilsson & Raphael 1968; Pohl 1970): the frontier is
/// ordered by f = g + w·H, g = steps taken, H = L1 lattice distance to C (admissible, so w = 1 gives
/// a shortest open path and w > 1 trades optimality for fewer evaluations), ties by lower loss.
/// Expanding a site scores its not-yet-evaluated 2m neighbours as one batch; closed sites are
/// remembered. Because every site of the path was evaluated exactly, a found path proves that A
/// and C lie in one open cluster of that lattice; ``verify(_:classifier:)`` re-evaluates it site by
/// site independently of the search.
public struct LatticeCertificate: Sendable {
    public var lattice: CertificateLattice
    public var rule: OpenRule
    public var target: Int
    public var weight: Double
    public var maximumEvaluations: Int

    public struct Result: Sendable, Equatable, Codable {
        public var found: Bool
        /// Sites of the path A … C (coordinates k), empty when not found.
        public var path: [[Int]]
        public var evaluations: Int
        public var latticeDistance: Int
        /// Why the search ended without a path ("endpoint closed", "budget", "exhausted").
        public var reason: String
    }

    public init(lattice: CertificateLattice, rule: OpenRule, target: Int, weight: Double = 1.5,
                maximumEvaluations: Int = 20_000) throws {
        if case .quantile = rule {
            throw ModeLatticeError.invalid("open", "quantile:q needs a finite lattice; certificates take class or loss:TAU")
        }
        guard weight >= 1 else { throw ModeLatticeError.invalid("weight", "must be at least 1 (got \(weight))") }
        guard maximumEvaluations >= 2 else { throw ModeLatticeError.invalid("budget", "must be at least 2 evaluations (got \(maximumEvaluations))") }
        self.lattice = lattice
        self.rule = rule
        self.target = target
        self.weight = weight
        self.maximumEvaluations = maximumEvaluations
    }

    /// (open, loss) of each site, one batch.
    func score(_ sites: [[Int]], classifier: any InputClassifier) throws -> [(Bool, Float)] {
        let n = lattice.a.count
        var inputs = [Float](repeating: 0, count: sites.count * n)   // [sites, n]
        inputs.withUnsafeMutableBufferPointer { buf in
            for (i, s) in sites.enumerated() { lattice.fill(s, into: UnsafeMutableBufferPointer(rebasing: buf[(i * n)..<((i + 1) * n)])) }
        }
        let z = try classifier.logits(inputs, count: sites.count)
        let (predicted, loss) = SiteEvaluator.reduce(z, count: sites.count, classes: classifier.classCount, target: target)
        return (0..<sites.count).map { (rule.isOpen(loss: loss[$0], predicted: Int(predicted[$0]), target: target)!, loss[$0]) }
    }

    public func search(classifier: any InputClassifier) throws -> Result {
        guard target >= 0, target < classifier.classCount else {
            throw ModeLatticeError.usage("class \(target) is not an output of the model (it has \(classifier.classCount) classes)")
        }
        let start = lattice.start, goal = lattice.goal, m = lattice.axes
        let ends = try score([start, goal], classifier: classifier)
        var evaluations = 2
        guard ends[0].0 && ends[1].0 else {
            return Result(found: false, path: [], evaluations: evaluations, latticeDistance: lattice.steps, reason: "endpoint closed")
        }
        var open: [[Int]: Bool] = [start: true, goal: true]
        var heapLoss: [[Int]: Float] = [start: ends[0].1, goal: ends[1].1]
        var parent: [[Int]: [Int]] = [:]
        var g: [[Int]: Int] = [start: 0]
        var heap = MinHeap()
        heap.push(.init(f: weight * Double(CertificateLattice.distance(start, goal)), loss: ends[0].1, serial: 0, site: start))
        var serial = 1
        var closed = Set<[Int]>()
        while let node = heap.pop() {
            let site = node.site
            if closed.contains(site) { continue }
            closed.insert(site)
            if site == goal {
                var path = [goal]
                var cur = goal
                while let p = parent[cur] { path.append(p); cur = p }
                return Result(found: true, path: path.reversed(), evaluations: evaluations,
                              latticeDistance: lattice.steps, reason: "")
            }
            var neighbours: [[Int]] = []
            for i in 0..<m {
                for delta in [-1, 1] {
                    var nb = site; nb[i] += delta
                    neighbours.append(nb)
                }
            }
            let fresh = neighbours.filter { open[$0] == nil }
            if !fresh.isEmpty {
                if evaluations + fresh.count > maximumEvaluations {
                    return Result(found: false, path: [], evaluations: evaluations, latticeDistance: lattice.steps, reason: "budget")
                }
                let s = try score(fresh, classifier: classifier)
                evaluations += fresh.count
                for (nb, v) in zip(fresh, s) { open[nb] = v.0; if v.0 { heapLoss[nb] = v.1 } }
            }
            let gs = g[site]! + 1
            for nb in neighbours where open[nb] == true && !closed.contains(nb) {
                if let old = g[nb], old <= gs { continue }
                g[nb] = gs
                parent[nb] = site
                let f = Double(gs) + weight * Double(CertificateLattice.distance(nb, goal))
                heap.push(.init(f: f, loss: heapLoss[nb] ?? 0, serial: serial, site: nb))
                serial += 1
            }
        }
        return Result(found: false, path: [], evaluations: evaluations, latticeDistance: lattice.steps, reason: "exhausted")
    }

    /// Re-checks a path independently of the search: it starts at A, ends at C, consecutive sites
    /// are nearest neighbours, and every site, re-evaluated now, is open. Returns the index of the
    /// first failing site, or nil when the certificate holds.
    public func verify(_ path: [[Int]], classifier: any InputClassifier) throws -> Int? {
        guard let first = path.first, first == lattice.start else { return 0 }
        guard path.last == lattice.goal else { return path.count - 1 }
        for i in 1..<path.count where CertificateLattice.distance(path[i - 1], path[i]) != 1 { return i }
        for (i, s) in path.enumerated() where try !score([s], classifier: classifier)[0].0 { return i }
        return nil
    }
}

/// Binary min-heap on (f, loss, serial) for the best-first frontier.
struct MinHeap {
    struct Node { var f: Double; var loss: Float; var serial: Int; var site: [Int] }
    private var nodes: [Node] = []

    static func less(_ x: Node, _ y: Node) -> Bool {
        if x.f != y.f { return x.f < y.f }
        if x.loss != y.loss { return x.loss < y.loss }
        return x.serial < y.serial
    }

    mutating func push(_ node: Node) {
        nodes.append(node)
        var i = nodes.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard MinHeap.less(nodes[i], nodes[p]) else { break }
            nodes.swapAt(i, p); i = p
        }
    }

    mutating func pop() -> Node? {
        guard !nodes.isEmpty else { return nil }
        nodes.swapAt(0, nodes.count - 1)
        let top = nodes.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < nodes.count && MinHeap.less(nodes[l], nodes[m]) { m = l }
            if r < nodes.count && MinHeap.less(nodes[r], nodes[m]) { m = r }
            if m == i { break }
            nodes.swapAt(i, m); i = m
        }
        return top
    }
}
