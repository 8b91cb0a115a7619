import Testing
@testable import MorphRender

