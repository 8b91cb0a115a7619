#if canImport(Glibc)
import Glibc  // log10
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal text for numbers in tables, tick labels and files, without Foundation's formatters.
public enum NumberText {
    /// `x` with exactly `decimals` digits after the point (`fixed(3.14159, decimals: 2)` is "3.14").
    /// Non-finite values are "NaN", "inf" and "-inf"; magnitudes beyond 1e15 use `significant`.
    public static func fixed(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return nonFinite(x) }
        let d = min(max(decimals, 0), 15)
        let power = pow10(d)
        let scaledMagnitude = (abs(x) * power).rounded()
        guard scaledMagnitude < 9e15 else { return significant(x, digits: 15) }
        let scaled = Int64(scaledMagnitude)
        let p = Int64(power)
        let integer = scaled / p
        var text = (x < 0 && scaled != 0) ? "-" : ""
        text += String(integer)
        if d > 0 {
            let fraction = String(scaled % p)
            text += "." + String(repeating: "0", count: d - fraction.count) + fraction
        }
        return text
    }

    /// `x` rounded to `digits` significant digits, without trailing zeros; the integer part is
    /// never rounded away (1834.2 → "1834" at 3 digits); scientific notation (`1.5e-7`) for
    /// magnitudes below 1e-4 or at least 1e`max(digits, 6)`.
    public static func significant(_ x: Double, digits: Int = 4) -> String {
        guard x.isFinite else { return nonFinite(x) }
        if x == 0 { return "0" }
        let p = min(max(digits, 1), 17)
        var exponent = Int(floor(log10(abs(x))))
        // Rounding can carry into the next power of ten (9.9996 → 10.00).
        if abs(x) / pow10(exponent) >= 10 - 0.5 * pow10(1 - p) { exponent += 1 }
        if exponent < -4 || exponent >= max(p, 6) {
            let mantissa = x / pow10(exponent)
            return trimmed(fixed(mantissa, decimals: p - 1)) + "e" + String(exponent)
        }
        return trimmed(fixed(x, decimals: max(0, p - 1 - exponent)))
    }

    /// The shortest text that reads back as exactly `x` ("0.1", "3", "1e-07"), for CSV and JSON files.
    public static func exact(_ x: Double) -> String {
        guard x.isFinite else { return nonFinite(x) }
        if x.rounded() == x, abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    static func nonFinite(_ x: Double) -> String {
        x.isNaN ? "NaN" : (x < 0 ? "-inf" : "inf")
    }

    /// Removes trailing zeros after a decimal point, and the point itself if nothing follows.
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.last == "0" { t.removeLast() }
        if t.last == "." { t.removeLast() }
        return t == "-0" ? "0" : String(t)
    }

    /// 10ⁿ, exact for the small powers used here (negative powers divide, for accuracy).
    static func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(n) { result *= 10 }
        return n < 0 ? 1 / result : result
    }
}
