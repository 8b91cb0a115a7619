#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old file or the complete new one, never a part.
public enum AtomicFile {
    /// Writes `bytes` to `path` through a temporary file in the same directory, `fsync` and `rename`.
    ///
    /// On any failure (unwritable or missing directory, disk full, …) the temporary file is removed,
    /// an existing file at `path` is left untouched, and the error says what went wrong.
    public static func write(_ bytes: [UInt8], to path: String) throws(DataFileError) {
        guard !path.isEmpty else { throw DataFileError(path: path, reason: "empty file name") }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataFileError(path: path, reason: "is a directory; give a file name")
        }
        let directory = directoryName(of: path)
        let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? "file"
        var template = Array("\(directory)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw DataFileError(path: path, reason: "cannot create a file in \(directory): \(errnoDescription()); nothing was written")
        }
        let temporary = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        var closed = false
        do throws(DataFileError) {
            try writeAll(bytes, to: fd, path: path)
            guard fsync(fd) == 0 else { throw failure(path, "cannot flush to disk", errno) }
            closed = true
            guard close(fd) == 0 else { throw failure(path, "cannot close", errno) }
            _ = chmod(temporary, 0o644)
            guard rename(temporary, path) == 0 else { throw failure(path, "cannot rename into place", errno) }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        // Persist the rename itself; best effort (some file systems refuse fsync on directories).
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(DataFileError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, min(bytes.count - written, 1 << 30))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot write", errno)
            }
            if result == 0 { throw failure(path, "cannot write", ENOSPC) }
            written += result
        }
    }

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> DataFileError {
        let hint = code == ENOSPC ? " (disk full; free some space and try again)"
            : code == EDQUOT ? " (disk quota exceeded)" : ""
        return DataFileError(path: path, reason: "\(what): \(errnoDescription(code))\(hint); nothing was written")
    }

    private static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
