import MorphJSON

/// JSON forms of the experiment results, for `export(x, to: "….json")`: every series, by the
/// names docs/ARCHITECTURE.md uses. Non-finite numbers become null (JSON has no NaN).
extension JSON {
    /// A number, or null when it is NaN or infinite.
    static func finite(_ x: Double) -> JSON { x.isFinite ? .number(x) : .null }
    /// An array of numbers (non-finite ones as null).
    static func numbers(_ xs: [Double]) -> JSON { .array(xs.map(finite)) }
}

extension PathAnalysis {
    /// Every series of the path and Lemma 1's report.
    public var json: JSON {
        .object([
            "t": .numbers(positions),
            "jacobianFrobeniusNorm": .numbers(frobeniusNorms),
            "largestSingularValue": .numbers(largestSingularValues),
            "directionalNorm": .numbers(directionalNorms),
            "stepL2": .numbers(stepLengths),
            "stepL2CoefficientOfVariation": .finite(stepVariation),
            "lemma1": lemma1.json,
        ])
    }
}

extension Lemma1Report {
    /// The quantities and checks.
    public var json: JSON {
        .object([
            "endpointDistance": .finite(endpointDistance),
            "latentDistance": .finite(latentDistance),
            "stepL2Sum": .finite(stepLengthSum),
            "directionalBound": .finite(directionalBound),
            "frobeniusBound": .finite(frobeniusBound),
            "squaredEndpointDistance": .finite(squaredEndpointDistance),
            "squaredFrobeniusBound": .finite(squaredFrobeniusBound),
            "articleBound": .finite(articleBound),
            "holds": .bool(holds),
            "checks": .array(checks.map { check in
                .object([
                    "statement": .string(check.statement), "left": .finite(check.left), "right": .finite(check.right),
                    "allowance": .finite(check.allowance), "holds": .bool(check.holds),
                ])
            }),
        ])
    }
}

extension Band {
    /// Mean and standard deviation per position.
    public var json: JSON {
        .object(["mean": .numbers(mean), "sd": .numbers(standardDeviation), "count": .number(Double(seriesCount))])
    }
}

extension JacobianNormStudy {
    /// The pairs, the bands and every path's series.
    public var json: JSON {
        func pairs(_ list: [ExamplePair]) -> JSON {
            .array(list.map { .array([.number(Double($0.first)), .number(Double($0.second))]) })
        }
        return .object([
            "classes": .array(self.pairs.classes.map { .number(Double($0)) }),
            "t": .numbers(positions),
            "withinPairs": pairs(self.pairs.within),
            "acrossPairs": pairs(self.pairs.across),
            "within": withinBand?.json ?? .null,
            "across": acrossBand?.json ?? .null,
            "withinPaths": .array(within.map(\.json)),
            "acrossPaths": .array(across.map(\.json)),
            "lemma1Holds": .bool(lemma1Holds),
        ])
    }
}

extension TranslationAnalysis {
    /// The shifts and the three step series.
    public var json: JSON {
        .object([
            "shifts": .array(shifts.map { .number(Double($0)) }),
            "latentSteps": .numbers(latentSteps),
            "inputSteps": .numbers(inputSteps),
            "reconstructionSteps": .numbers(reconstructionSteps),
            "latentStepCoefficientOfVariation": .finite(latentStepVariation),
            "reconstructionStepCoefficientOfVariation": .finite(reconstructionStepVariation),
            "latentStraightness": .finite(latentStraightness),
        ])
    }
}

extension ReconstructionLoss {
    /// The L2 recover loss, per-pixel MSE and per-image errors.
    public var json: JSON {
        .object([
            "l2RecoverLoss": .finite(l2RecoverLoss), "perPixelMSE": .finite(meanSquaredError),
            "images": .number(Double(imageCount)), "perImage": .numbers(perImage),
        ])
    }
}

extension CodeProjection {
    /// Coordinates, explained variance and axes.
    public var json: JSON {
        .object([
            "x": .numbers(x), "y": .numbers(y), "explainedVariance": .numbers(explainedVariance),
            "axes": .array(axes.map { .numbers($0) }),
        ])
    }
}
