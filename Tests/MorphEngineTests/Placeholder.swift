import Testing
@testable import MorphEngine

