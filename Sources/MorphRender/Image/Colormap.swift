/// A 256-entry colour table mapping values in [0, 1] to RGB, for heat maps.
public struct Colormap: Sendable, Equatable {
    /// The map's name (`viridis`, `magma`, `gray`).
    public let name: String
    /// 256 colours, each three bytes (red, green, blue), from the lowest value to the highest.
    public let table: [UInt8]

    /// A map interpolated linearly in RGB between evenly spaced `anchors` (0xRRGGBB).
    init(name: String, anchors: [UInt32]) {
        self.name = name
        var table: [UInt8] = []
        table.reserveCapacity(256 * 3)
        let segments = Double(anchors.count - 1)
        for i in 0..<256 {
            let t = Double(i) / 255 * segments
            let k = min(Int(t), anchors.count - 2)
            let f = t - Double(k)
            for shift in [16, 8, 0] as [UInt32] {
                let a = Double((anchors[k] >> shift) & 0xFF), b = Double((anchors[k + 1] >> shift) & 0xFF)
                table.append(UInt8((a + (b - a) * f).rounded()))
            }
        }
        self.table = table
    }

    /// Perceptually uniform, colour-blind friendly, dark violet → yellow (matplotlib's viridis).
    public static let viridis = Colormap(name: "viridis", anchors: [
        0x440154, 0x48186A, 0x472D7B, 0x424086, 0x3B528B, 0x33638D, 0x2C728E, 0x26828E, 0x21918C,
        0x1FA088, 0x28AE80, 0x3FBC73, 0x5EC962, 0x84D44B, 0xADDC30, 0xD8E219, 0xFDE725,
    ])

    /// Perceptually uniform, black → purple → pale yellow (matplotlib's magma).
    public static let magma = Colormap(name: "magma", anchors: [
        0x000004, 0x0A0822, 0x1D1147, 0x36106B, 0x51127C, 0x6A1C81, 0x832681, 0x9C2E7F, 0xB73779,
        0xD0416F, 0xE75263, 0xF56B5C, 0xFC8961, 0xFEA772, 0xFEC488, 0xFDE2A3, 0xFCFDBF,
    ])

    /// Black → white.
    public static let gray = Colormap(name: "gray", anchors: [0x000000, 0xFFFFFF])

    /// The maps by name, for lookups from user input.
    public static let all: [Colormap] = [.viridis, .magma, .gray]

    /// The map called `name` (case-insensitive), or nil.
    public static func named(_ name: String) -> Colormap? {
        all.first { $0.name == name.lowercased() }
    }

    /// The table index of `t` in [0, 1] (clamped; NaN maps to 0).
    public func index(_ t: Double) -> Int {
        guard t == t else { return 0 }
        return Int((min(max(t, 0), 1) * 255).rounded())
    }

    /// The RGB bytes for `t` in [0, 1].
    public func color(at t: Double) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let i = index(t) * 3
        return (table[i], table[i + 1], table[i + 2])
    }

    /// The colour for `t` as `#rrggbb`.
    public func hex(at t: Double) -> String {
        let c = color(at: t)
        return SVGText.hex(c.red, c.green, c.blue)
    }
}
