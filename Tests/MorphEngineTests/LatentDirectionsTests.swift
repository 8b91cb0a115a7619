import Testing
@testable import MorphEngine

/// The sliders' directions: coordinate axes for a small latent, principal directions past the
/// limit, spreads, and moving a code along them.
struct LatentDirectionsTests {
    @Test func aSmallLatentUsesTheCoordinateAxesWithEachDimensionsSpread() throws {
        let codes: [[Float]] = [[0, 10], [2, 10], [4, 10]]
        let directions = try LatentDirections(codes: codes, limit: 8)
        #expect(!directions.arePrincipal)
        #expect(directions.axes == [[1, 0], [0, 1]])
        #expect(directions.centres == [2, 10])
        #expect(abs(directions.deviations[0] - (8.0 / 3).squareRoot()) < 1e-12)
        #expect(directions.deviations[1] == 0)
        #expect(directions.coordinates(of: [3, -1]) == [3, -1])
        #expect(try directions.moving([3, -1], to: [5, 7]) == [5, 7])
    }

    @Test func aLargeLatentUsesTheTopPrincipalDirections() throws {
        // Codes spread along (1, 1, 0) far more than along (0, 0, 1), uncorrelated; nothing along (1, −1, 0).
        let codes: [[Float]] = (0..<20).map { i in
            let s = Float(i) - 9.5, small: Float = [-0.5, 0.5, 0.5, -0.5][i % 4]
            return [s, s, small]
        }
        let directions = try LatentDirections(codes: codes, limit: 2)
        #expect(directions.arePrincipal && directions.count == 2)
        let first = directions.axes[0]
        #expect(abs(first[0] - 0.5.squareRoot()) < 1e-9 && abs(first[1] - 0.5.squareRoot()) < 1e-9 && abs(first[2]) < 1e-9)
        #expect(abs(abs(directions.axes[1][2]) - 1) < 1e-9)
        #expect(directions.deviations[0] > directions.deviations[1])
        // Moving along the directions keeps the component outside them (along (1, −1, 0)).
        let code: [Float] = [1, 3, 0]
        let moved = try directions.moving(code, to: [0, 0])
        #expect(abs(moved[0] - moved[1] - (code[0] - code[1])) < 1e-5)
        #expect(directions.coordinates(of: moved).allSatisfy { abs($0) < 1e-5 })
    }

    @Test func badInputIsAnErrorNotATrap() throws {
        #expect(throws: ExperimentError.self) { try LatentDirections(codes: []) }
        #expect(throws: ExperimentError.self) { try LatentDirections(codes: [[1, 2], [3]]) }
        #expect(throws: ExperimentError.self) { try LatentDirections(codes: [[.nan, 1]]) }
        #expect(throws: ExperimentError.self) { try LatentDirections(codes: [[1]], limit: 0) }
        let directions = try LatentDirections(codes: [[1, 2]])
        #expect(throws: ExperimentError.self) { try directions.moving([1, 2], to: [1]) }
        #expect(throws: ExperimentError.self) { try directions.moving([1], to: [1, 2]) }
    }

    @Test func aDecodedPointMatchesThePathAnalysisAtTheSamePlace() throws {
        let model = try AutoEncoderModel(.convAutoEncoder, latent: 4, seed: 3)
        let za: [Float] = [0.5, -1, 0.25, 2], zb: [Float] = [-1, 0.5, 1, 0]
        let (decoded, analysis) = try Experiments.path(model, fromCode: za, toCode: zb, steps: 3)
        let middle = try Experiments.decodedPoint(model, at: LatentPath(from: za, to: zb, count: 3).point(at: 0.5))
        let difference = zip(middle.image, decoded[1]).map { abs($0 - $1) }.max() ?? .infinity
        #expect(middle.image.count == decoded[1].count && difference < 1e-5)
        #expect(abs(middle.frobeniusNorm - analysis.frobeniusNorms[1]) <= 1e-6 * analysis.frobeniusNorms[1])
        #expect(abs(middle.largestSingularValue - analysis.largestSingularValues[1]) <= 1e-6 * analysis.largestSingularValues[1])
        #expect(throws: ExperimentError.self) { try Experiments.decodedPoint(model, at: [1, 2]) }
        #expect(throws: ExperimentError.self) { try Experiments.decodedPoint(model, at: [.infinity, 0, 0, 0]) }
    }
}
