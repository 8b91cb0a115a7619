#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing figures, tables and displays to files, the format chosen by the path's extension.
public enum Export {
    /// The extensions `write` understands.
    public static let supportedExtensions = ExportFormat.allCases.map(\.fileExtension)

    /// Writes `value` to `path` (absolute, or relative to `base`) in the format its extension
    /// names, creating directories, atomically: a temporary file in the same directory is
    /// renamed over the target, and removed if anything fails. Returns the absolute path written.
    @discardableResult
    public static func write(_ value: some Exportable, to path: String, relativeTo base: String? = nil) throws(ExportError) -> String {
        let target = try resolve(path, relativeTo: base)
        guard let format = ExportFormat(path: target) else {
            throw ExportError(path: target, reason: "unsupported extension; use one of \(ExportFormat.list(ExportFormat.allCases))")
        }
        let bytes: [UInt8]
        do throws(RenderError) {
            guard value.exportFormats.contains(format) else { throw unsupported(value, format) }
            bytes = try value.exportData(as: format)
        } catch {
            throw ExportError(path: target, reason: error.message)
        }
        try writeAtomically(bytes, to: target)
        return target
    }

    /// `path` made absolute against `base` (which must be absolute), with "." and ".." resolved lexically.
    public static func resolve(_ path: String, relativeTo base: String?) throws(ExportError) -> String {
        guard !path.isEmpty else { throw ExportError(path: path, reason: "the path is empty") }
        guard !path.utf8.contains(0) else { throw ExportError(path: path, reason: "the path contains a NUL character") }
        var full = path
        if !path.hasPrefix("/") {
            guard let base, base.hasPrefix("/") else {
                throw ExportError(path: path, reason: "a relative path needs an absolute base directory to resolve against")
            }
            full = base + "/" + path
        }
        var parts: [Substring] = []
        for component in full.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { _ = parts.popLast(); continue }
            parts.append(component)
        }
        guard !parts.isEmpty else { throw ExportError(path: full, reason: "the path names a directory, not a file") }
        if path.hasSuffix("/") { throw ExportError(path: full, reason: "the path names a directory, not a file") }
        return "/" + parts.joined(separator: "/")
    }

    /// Writes `bytes` to the absolute `path` atomically, creating its directory: the bytes go to
    /// a new private file (unpredictable name, created exclusively, so a planted file or symbolic
    /// link is never followed), are flushed to disk, and the file is renamed over `path` (which
    /// replaces a symbolic link there rather than writing through it). Readers see the old file or
    /// the whole new one; on failure nothing is left behind.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ExportError) {
        guard let slash = path.lastIndex(of: "/") else {
            throw ExportError(path: path, reason: "the path must be absolute")
        }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = String(path[path.index(after: slash)...])
        try createDirectories(directory, for: path)

        let temporary = (directory == "/" ? "" : directory) + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ExportError(path: path, reason: systemReason("cannot create a file in '\(directory)'")) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = posixWrite(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = systemReason("writing failed")
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = systemReason("flushing to disk failed") }
        // Private while it is written, readable by others (as `save`'s files are) once complete.
        if failure == nil, fchmod(fd, 0o644) != 0 { failure = systemReason("setting the file's permissions failed") }
        if close(fd) != 0, failure == nil { failure = systemReason("closing the file failed") }
        if failure == nil, rename(temporary, path) != 0 {
            failure = errno == EISDIR ? "a directory of that name exists" : systemReason("renaming into place failed")
        }
        if let failure {
            unlink(temporary)
            throw ExportError(path: path, reason: failure)
        }
        // Persist the rename itself; best effort (some file systems refuse fsync on a directory).
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Creates `directory` and its missing parents; an existing non-directory on the way is an error.
    static func createDirectories(_ directory: String, for path: String) throws(ExportError) {
        var current = ""
        for component in directory.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw ExportError(path: path, reason: "'\(current)' is a file, not a directory (\(String(cString: strerror(ENOTDIR))))")
                }
                continue
            }
            if errno == ENOTDIR {
                throw ExportError(path: path, reason: systemReason("a parent of '\(current)' is not a directory"))
            }
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ExportError(path: path, reason: systemReason("cannot create the directory '\(current)'"))
            }
        }
    }

    /// `context` followed by the text of the current `errno`.
    static func systemReason(_ context: String) -> String {
        let code = errno
        return "\(context) (\(String(cString: strerror(code))))"
    }
}

/// POSIX write(2), named apart from `Export.write`.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
