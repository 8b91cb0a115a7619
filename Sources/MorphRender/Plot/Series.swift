/// How a series is drawn.
public enum SeriesMark: String, Sendable, Equatable {
    /// A line through the points in order.
    case line
    /// A dot at each point (scatter).
    case points
    /// A line with a dot at each point.
    case lineAndPoints
}

/// One named series of (x, y) points, optionally with a band (e.g. mean ± sd) around it.
public struct Series: Sendable, Equatable {
    /// The legend entry.
    public private(set) var name: String
    /// The x values.
    public private(set) var x: [Double]
    /// The y values, one per x.
    public private(set) var y: [Double]
    /// The band's lower edge, one per x, if the series has a band.
    public private(set) var lower: [Double]?
    /// The band's upper edge, one per x, if the series has a band.
    public private(set) var upper: [Double]?
    /// How the points are drawn.
    public var mark: SeriesMark
    /// Series of one group share a colour (e.g. one model's "within" and "across" curves); the
    /// second and later of a group are dashed. Nil: a group of its own.
    public var group: String? = nil

    /// A series from x and y values of equal length (non-finite values leave gaps).
    public init(name: String, x: [Double], y: [Double], mark: SeriesMark = .line) throws(RenderError) {
        guard x.count == y.count else {
            throw RenderError("series '\(name)' has \(x.count) x values but \(y.count) y values")
        }
        self.name = name
        self.x = x
        self.y = y
        self.mark = mark
    }

    /// A series with x = 0, 1, 2, … (e.g. a loss per epoch or per step).
    public init(name: String, y: [Double], mark: SeriesMark = .line) {
        self.name = name
        self.x = y.indices.map(Double.init)
        self.y = y
        self.mark = mark
    }

    /// A series with a band from `lower` to `upper` around `y`.
    public init(name: String, x: [Double], y: [Double], lower: [Double], upper: [Double], mark: SeriesMark = .line) throws(RenderError) {
        try self.init(name: name, x: x, y: y, mark: mark)
        guard lower.count == x.count, upper.count == x.count else {
            throw RenderError("series '\(name)' has \(x.count) points but its band has \(lower.count) lower and \(upper.count) upper values")
        }
        self.lower = lower
        self.upper = upper
    }

    /// A mean curve with a band of ± one standard deviation (`sd`) around it.
    public static func band(name: String, x: [Double], mean: [Double], sd: [Double]) throws(RenderError) -> Series {
        guard sd.count == mean.count else {
            throw RenderError("series '\(name)' has \(mean.count) means but \(sd.count) standard deviations")
        }
        return try Series(name: name, x: x, y: mean,
                          lower: zip(mean, sd).map { $0 - $1 }, upper: zip(mean, sd).map { $0 + $1 })
    }

    /// Whether the series has a band.
    public var hasBand: Bool { lower != nil }

    /// The number of points.
    public var count: Int { x.count }
}
