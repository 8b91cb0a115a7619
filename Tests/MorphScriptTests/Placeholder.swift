import Testing
@testable import MorphScript

