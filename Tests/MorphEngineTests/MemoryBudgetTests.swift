import Testing
@testable import MorphEngine

/// The memory budget: sizes from the environment's notation, the check's arithmetic, the message.
struct MemoryBudgetTests {
    @Test func sizesParseWithUnits() {
        #expect(MemoryBudget.parseSize("2G") == 2 << 30)
        #expect(MemoryBudget.parseSize("512m") == 512 << 20)
        #expect(MemoryBudget.parseSize(" 4096 ") == 4096)
        #expect(MemoryBudget.parseSize("-1G") == nil)
        #expect(MemoryBudget.parseSize("lots") == nil)
        #expect(MemoryBudget.parseSize("9223372036854775807G") == nil)
    }

    @Test func aRequestPastTheBudgetIsAnErrorNamingBothSizes() throws {
        #expect(throws: Never.self) { try MemoryBudget.check(bytes: 1 << 30, used: 1 << 30, budget: 4 << 30) }
        let error = #expect(throws: EngineError.self) { try MemoryBudget.check(bytes: 3 << 30, used: 2 << 30, budget: 4 << 30) }
        #expect(error == .outOfMemory(requested: 3 << 30, available: 2 << 30, budget: 4 << 30))
        #expect(error?.description.contains("3.0 GiB more memory, but only 2.0 GiB of the 4.0 GiB budget") == true)
        #expect(throws: EngineError.self) { try MemoryBudget.check(bytes: Int.max, used: 1, budget: Int.max) }
        // The process's own usage is readable here, and the default budget is positive.
        #expect((MemoryBudget.usage ?? 0) > 0)
        #expect(MemoryBudget.limit > 0)
    }
}
