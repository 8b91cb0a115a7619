#if canImport(Glibc)
import Glibc  // log10, floor, ceil, pow
#elseif canImport(Darwin)
import Darwin
#endif

/// Axis scale and tick positions: "nice" steps of 1, 2 or 5 × 10ᵏ, or decades on a log axis.
struct _Axis {
    /// The axis' value range (the data range, extended to whole ticks when `nice`).
    var domain: ClosedRange<Double>
    var ticks: [Double]
    var labels: [String]
    var log: Bool

    /// A linear axis covering `range` with about `target` ticks; `nice` extends the domain to whole
    /// ticks; `integers` keeps the step a whole number (an axis of epochs has no tick at 1.5).
    static func linear(_ range: ClosedRange<Double>, target: Int, nice: Bool, integers: Bool = false) -> _Axis {
        var lo = range.lowerBound, hi = range.upperBound
        let magnitude = max(abs(lo), abs(hi))
        if hi - lo <= magnitude * 1e-9 {
            // A flat (or numerically flat) range: widen it so ticks are distinct.
            let pad = magnitude == 0 ? 1 : magnitude * 0.1
            lo -= pad
            hi += pad
        }
        guard (hi - lo).isFinite, lo.isFinite, hi.isFinite else {
            let ends = [lo, hi].filter(\.isFinite)
            return _Axis(domain: range, ticks: ends, labels: ends.map { NumberText.significant($0, digits: 3) }, log: false)
        }
        var step = niceStep((hi - lo) / Double(min(max(target, 1), 50)))
        // At least two ticks inside the range (the range spans several steps, so this ends quickly).
        for _ in 0..<8 where floor(hi / step + 1e-9) - ceil(lo / step - 1e-9) < 1 { step = smallerStep(step) }
        if integers { step = max(1, step.rounded()) }
        if nice {
            lo = floor(lo / step + 1e-9) * step
            hi = ceil(hi / step - 1e-9) * step
        }
        let first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9)
        var ticks: [Double] = []
        if last - first < 200 {
            var k = first
            while k <= last {
                ticks.append(k * step == 0 ? 0 : k * step)
                k += 1
            }
        }
        let largest = max(abs(lo), abs(hi))
        let labels: [String]
        if largest >= 1e6 || step < 1e-4 {
            // Enough significant digits that neighbouring ticks read differently.
            let digits = max(3, Int(floor(log10(largest))) - Int(floor(log10(step))) + 1)
            labels = ticks.map { NumberText.significant($0, digits: min(digits, 15)) }
        } else {
            let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
            labels = ticks.map { NumberText.fixed($0, decimals: decimals) }
        }
        return _Axis(domain: lo...hi, ticks: ticks, labels: labels, log: false)
    }

    /// A base-10 log axis over positive `range`, extended to whole decades; ticks at 1, 2, 5 × 10ᵏ
    /// when the range spans few decades.
    static func logarithmic(_ range: ClosedRange<Double>) -> _Axis {
        var e0 = Int(floor(log10(range.lowerBound) + 1e-9))
        var e1 = Int(ceil(log10(range.upperBound) - 1e-9))
        if e0 == e1 { e0 -= 1; e1 += 1 }
        let decades = e1 - e0
        let stride = max(1, (decades + 7) / 8)
        var ticks: [Double] = []
        for e in e0...e1 where (e - e0) % stride == 0 {
            ticks.append(pow(10, Double(e)))
            if decades <= 2, e < e1 { ticks += [2 * pow(10, Double(e)), 5 * pow(10, Double(e))] }
        }
        let labels = ticks.map { NumberText.significant($0, digits: 1) }
        return _Axis(domain: pow(10, Double(e0))...pow(10, Double(e1)), ticks: ticks, labels: labels, log: true)
    }

    /// The step of 1, 2, 5 or 10 × 10ᵏ nearest to `raw` (in ratio), as d3 chooses ticks.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        let ratio = raw / magnitude
        if ratio >= 50.0.squareRoot() { return 10 * magnitude }
        if ratio >= 10.0.squareRoot() { return 5 * magnitude }
        if ratio >= 2.0.squareRoot() { return 2 * magnitude }
        return magnitude
    }

    /// The next smaller nice step (5 → 2 → 1 → 0.5 …).
    static func smallerStep(_ step: Double) -> Double {
        let magnitude = pow(10, floor(log10(step) + 1e-9))
        let m = (step / magnitude).rounded()
        return m >= 5 ? 2 * magnitude : (m >= 2 ? magnitude : magnitude / 2)
    }

    /// Where `value` falls on the axis, from 0 (domain start) to 1 (domain end).
    func fraction(_ value: Double) -> Double {
        if log {
            let a = log10(domain.lowerBound), b = log10(domain.upperBound)
            return (log10(value) - a) / (b - a)
        }
        return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    }
}
