import Testing
@testable import MorphKernel

