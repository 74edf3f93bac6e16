import Foundation

/// The one temporary-directory helper of every test suite: a fresh directory under the system's
/// temporary directory, named after the suite's tag, the process and a random number (so parallel
/// tests and concurrent test processes never share one).
public enum TemporaryDirectory {
    /// Creates and returns a new directory `…/modelattice-TAG-PID-RANDOM`.
    public static func make(_ tag: String = "tests") throws -> String {
        let dir = NSTemporaryDirectory() + "modelattice-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A path named `name` inside a new directory (intermediate directories of `name` not created).
    public static func path(_ name: String, tag: String = "tests") throws -> String {
        try make(tag) + "/" + name
    }
}

/// What a test needs from the machine. Locally a test whose prerequisite (the Fashion-MNIST
/// package, OpenMPI's `mpirun`) is missing is skipped; under CI (`CI=true`, where `make test`
/// installs both) it runs and fails, so a missing prerequisite can never pass silently.
public enum TestEnvironment {
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether a test needing a prerequisite that is `available` should run: always under CI.
    public static func runs(needing available: Bool) -> Bool { available || isCI }

    /// The Debian package dataset-fashion-mnist (test split present).
    public static let fashionMNISTInstalled =
        FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")

    /// OpenMPI's launcher, if installed.
    public static let mpirun: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}
