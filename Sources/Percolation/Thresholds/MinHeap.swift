/// A binary min-heap of UInt64 (Williams 1964). The invasion growth packs an element as
/// weight (high 32 bits) | payload (low 32 bits), so equal weights break ties by payload and the
/// invasion order is a deterministic function of the drawn weights.
struct MinHeap {
    /// Heap-ordered elements: items[i] ≤ items[2i+1], items[2i+2]. Shape [count].
    private(set) var items: [UInt64] = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    var minimum: UInt64? { items.first }

    init(reserve: Int) { items.reserveCapacity(reserve) }

    @inline(__always) mutating func push(_ x: UInt64) {
        items.append(x)
        items.withUnsafeMutableBufferPointer { a in
            var i = a.count - 1
            while i > 0 {
                let parent = (i - 1) >> 1
                let p = a[parent]
                if p <= x { break }
                a[i] = p
                i = parent
            }
            a[i] = x
        }
    }

    @inline(__always) mutating func popMin() -> UInt64? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        items.withUnsafeMutableBufferPointer { a in
            let n = a.count
            var i = 0
            while true {
                var child = 2 * i + 1
                if child >= n { break }
                if child + 1 < n && a[child + 1] < a[child] { child += 1 }
                let c = a[child]
                if last <= c { break }
                a[i] = c
                i = child
            }
            a[i] = last
        }
        return top
    }
}
