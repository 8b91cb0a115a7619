#if canImport(Glibc)
import Glibc
#endif

/// ISO 8601 UTC timestamps with microseconds, as Jupyter headers carry them.
enum Timestamp {
    /// The current time, e.g. `2026-11-29T06:38:07.123456Z`.
    static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return format(seconds: Int(ts.tv_sec), microseconds: Int(ts.tv_nsec / 1000))
    }

    /// Formats seconds since the Unix epoch plus microseconds as ISO 8601 in UTC.
    static func format(seconds: Int, microseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(27)
        func put(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8((v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, digits: 4); out.append(UInt8(ascii: "-"))
        put(Int(parts.tm_mon) + 1, digits: 2); out.append(UInt8(ascii: "-"))
        put(Int(parts.tm_mday), digits: 2); out.append(UInt8(ascii: "T"))
        put(Int(parts.tm_hour), digits: 2); out.append(UInt8(ascii: ":"))
        put(Int(parts.tm_min), digits: 2); out.append(UInt8(ascii: ":"))
        put(Int(parts.tm_sec), digits: 2); out.append(UInt8(ascii: "."))
        put(microseconds, digits: 6); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
