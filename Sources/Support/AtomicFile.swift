import Foundation

/// Whole-file writes that never leave a half-written result: the bytes go to a temporary file in
/// the same directory, which is then renamed over the target (rename(2) is atomic on POSIX).
public enum AtomicFile {
    /// Under MPI only rank 0 writes; on other ranks this returns without touching the disk.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        guard Ranks.isRoot else { return }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ModeLatticeError.io("cannot create directory '\(directory)' for '\(path)'")
            }
        } else if !isDirectory.boolValue {
            throw ModeLatticeError.io("cannot write '\(path)': '\(directory)' is not a directory")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw ModeLatticeError.io("cannot write '\(path)' (permission or disk space?)")
        }
        if rename(temporary, path) != 0 {
            unlink(temporary)
            throw ModeLatticeError.io("cannot move the finished file into place at '\(path)'")
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Fails early, before a long computation, when `path` cannot be written.
    public static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, FileManager.default.isWritableFile(atPath: directory) else {
                throw ModeLatticeError.io("cannot write '\(path)': directory '\(directory)' is not writable")
            }
        } else {
            // Created on write; make sure an ancestor exists and is writable.
            var ancestor = URL(fileURLWithPath: directory)
            while !FileManager.default.fileExists(atPath: ancestor.path) { ancestor.deleteLastPathComponent() }
            guard FileManager.default.isWritableFile(atPath: ancestor.path) else {
                throw ModeLatticeError.io("cannot write '\(path)': '\(ancestor.path)' is not writable")
            }
        }
    }
}
