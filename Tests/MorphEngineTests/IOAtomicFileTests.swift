import Glibc
import Testing
import MorphEngine

@Suite("Atomic file writes")
struct IOAtomicFileTests {
    @Test func writesAndReplacesWholeFiles() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write([1, 2, 3], to: dir.file("f.bin"))
        try AtomicFile.write(Array(repeating: 9, count: 100_000), to: dir.file("f.bin"))
        #expect(try readFileBytes(dir.file("f.bin")) == Array(repeating: 9, count: 100_000))
        #expect(dir.listing() == ["f.bin"])
    }

    @Test func pathUnderARegularFileFailsCleanly() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        testWriteFile([0], to: dir.file("plain"))
        // Running as root ignores permission bits, but a path under a regular file is ENOTDIR for everyone.
        let error = dataFileError { try AtomicFile.write([1, 2, 3], to: dir.file("plain/model.ckpt")) }
        #expect(error?.path == dir.file("plain/model.ckpt"))
        #expect(error?.reason.contains("Not a directory") == true, "\(error?.reason ?? "no error")")
        #expect(dir.listing() == ["plain"], "no partial or temporary file")
    }

    @Test func missingOrReadOnlyDirectoriesFailCleanly() {
        let missing = dataFileError { try AtomicFile.write([1], to: "/nonexistent-morph-dir/x.npz") }
        #expect(missing?.reason.contains("No such file or directory") == true)
        // /proc refuses new files even for root.
        let proc = dataFileError { try AtomicFile.write([1], to: "/proc/morph-test.ckpt") }
        #expect(proc != nil)
        #expect(access("/proc/morph-test.ckpt", F_OK) != 0)
        let directory = dataFileError { try AtomicFile.write([1], to: "/tmp") }
        #expect(directory?.reason.contains("directory") == true)
    }

    @Test func existingFileSurvivesAFailedWrite() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try AtomicFile.write([4, 5, 6], to: dir.file("keep"))
        // Writing "into" the file as if it were a directory fails; the file is untouched.
        #expect(dataFileError { try AtomicFile.write([7], to: dir.file("keep/child")) } != nil)
        #expect(try readFileBytes(dir.file("keep")) == [4, 5, 6])
    }

    @Test func diskFullLeavesNoPartialFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let mountPoint = dir.file("small")
        mkdir(mountPoint, 0o755)
        guard runProcess(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]) == 0 else {
            print("skipped: cannot mount a small tmpfs here to fill a disk")
            return
        }
        defer { _ = runProcess(["umount", mountPoint]) }
        try AtomicFile.write([1, 2, 3], to: mountPoint + "/ckpt")
        let error = dataFileError { try AtomicFile.write(Array(repeating: 1, count: 1 << 20), to: mountPoint + "/ckpt") }
        #expect(error?.reason.contains("disk full") == true, "\(error?.reason ?? "no error")")
        #expect(TemporaryDirectory(existing: mountPoint).listing() == ["ckpt"], "temporary file removed")
        #expect(try readFileBytes(mountPoint + "/ckpt") == [1, 2, 3], "the old file is intact")
    }
}
