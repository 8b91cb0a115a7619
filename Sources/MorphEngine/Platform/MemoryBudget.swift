import Glibc
import Synchronization

/// The memory the engine lets a process use, so that a request past it is an error the cell can
/// report, not an allocation failure that aborts the process.
///
/// The default budget is the smaller of 75 % of physical memory and the address-space limit
/// (`ulimit -v`) less 768 MiB of headroom for the runtime, OpenBLAS's buffers and thread stacks.
/// `MORPH_MEMORY_LIMIT` (bytes, or with a K, M or G suffix) replaces it. Large tensors (8 MiB and
/// more) are checked against what the process already uses: its resident memory, or its address
/// space when an address-space limit is set.
public enum MemoryBudget {
    /// Allocations below this many bytes are not checked (reading the usage costs a system call).
    static let checkedSize = 8 << 20
    private static let configuredLimit = Mutex<Int?>(nil)

    /// The budget in bytes.
    public static var limit: Int {
        get { configuredLimit.withLock { $0 } ?? defaultLimit }
        set { configuredLimit.withLock { $0 = max(1 << 20, newValue) } }
    }

    /// The budget from the environment and the machine (see the type's documentation).
    static let defaultLimit: Int = {
        if let text = getenv("MORPH_MEMORY_LIMIT").map({ String(cString: $0) }), let bytes = parseSize(text) {
            return bytes
        }
        return automaticLimit
    }()

    /// 75 % of physical memory, or the address-space limit less headroom, whichever is smaller.
    static var automaticLimit: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        var limit = pages > 0 && pageSize > 0 ? pages.multipliedReportingOverflow(by: pageSize).partialValue / 4 * 3 : 8 << 30
        if let addressSpace = addressSpaceLimit { limit = min(limit, max(64 << 20, addressSpace - (768 << 20))) }
        return limit
    }

    /// The soft `RLIMIT_AS` in bytes, nil when unlimited.
    static var addressSpaceLimit: Int? {
        var rl = rlimit()
        // RLIM_INFINITY is all ones; anything past Int.max counts as unlimited.
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &rl) == 0, rl.rlim_cur <= UInt(Int.max) else { return nil }
        return Int(rl.rlim_cur)
    }

    /// "2G", "512M", "1048576" → bytes; nil for anything else.
    public static func parseSize(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: " ")
        var unit = 1
        switch digits.last?.uppercased() {
        case "K": unit = 1 << 10
        case "M": unit = 1 << 20
        case "G": unit = 1 << 30
        default: break
        }
        if unit > 1 { digits.removeLast() }
        guard let value = Int(digits), value > 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }

    /// What the process uses now, in bytes: its address space when that is limited, else its
    /// resident memory (from /proc/self/statm); nil when it cannot be read.
    static var usage: Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 127) }
        guard n > 0 else { return nil }
        let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let size = Int(fields[0]), let resident = Int(fields[1]) else { return nil }
        let pages = addressSpaceLimit == nil ? resident : size
        return pages.multipliedReportingOverflow(by: sysconf(Int32(_SC_PAGESIZE))).partialValue
    }

    /// Throws `EngineError.outOfMemory` when `bytes` more would take the process past its budget.
    static func check(bytes: Int) throws(EngineError) {
        guard bytes >= checkedSize else { return }
        try check(bytes: bytes, used: usage ?? 0, budget: limit)
    }

    /// Throws `EngineError.outOfMemory` when `used` + `bytes` exceeds `budget`.
    static func check(bytes: Int, used: Int, budget: Int) throws(EngineError) {
        let (total, overflow) = used.addingReportingOverflow(bytes)
        if overflow || total > budget {
            throw .outOfMemory(requested: bytes, available: max(0, budget - used), budget: budget)
        }
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
