#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func Foundation_pow(_ a: Double, _ b: Double) -> Double { pow(a, b) }
