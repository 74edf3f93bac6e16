import Support

/// A synthetic classification set for fast tests: K Gaussian clusters in D dimensions.
///
/// Class means μ_k have iid U(0, 1) coordinates (like pixel intensities); an example of class k
/// is μ_k + σ·ξ with ξ ~ N(0, I_D), its class uniform on 0..<K. All draws come from one GSL
/// generator seeded with `SeedSequence.derive(seed, stream: "gaussian-mixture", index: 0)` (the
/// means) and index 1 + split (the examples), so train and test share their means.
public enum GaussianMixture {
    public static func make(classes k: Int, shape: [Int], count n: Int, sigma: Double = 1, seed: UInt64,
                            split: Int = 0, generator: String? = nil) throws -> Dataset {
        let d = shape.reduce(1, *)
        let meanRNG = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "gaussian-mixture", index: 0))
        var means = [Float](repeating: 0, count: k * d)     // [K, D]
        for i in means.indices { means[i] = Float(meanRNG.uniform()) }
        let rng = try RandomGenerator(algorithm: generator, seed: SeedSequence.derive(seed, stream: "gaussian-mixture", index: 1 + split))
        var images = [Float](repeating: 0, count: n * d)    // [N, D]
        var labels = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let c = rng.uniformInt(k)
            labels[i] = Int32(c)
            for j in 0..<d { images[i * d + j] = means[c * d + j] + Float(rng.gaussian(sigma: sigma)) }
        }
        return Dataset(name: "gaussian-mixture", shape: shape, images: images, labels: labels, classes: k)
    }
}
