import Pipeline
import Testing

@Suite struct LengthTests {
    @Test(arguments: [("85mm", 85.0), ("8.5cm", 85.0), ("3.5in", 88.9), ("72pt", 25.4), (" 3 mm ", 3.0)])
    func parsesUnits(text: String, millimetres: Double) throws {
        #expect(abs(try Length(parsing: text).millimetres - millimetres) < 1e-9)
    }

    @Test func refusesBareNumbersNegativesAndJunk() {
        #expect(throws: LengthError.missingUnit("3")) { try Length(parsing: "3") }
        #expect(throws: LengthError.negative("-3mm")) { try Length(parsing: "-3mm") }
        #expect(throws: LengthError.notANumber("abcmm")) { try Length(parsing: "abcmm") }
    }

    @Test func describesInMillimetres() {
        #expect(Length.millimetres(3).description == "3mm")
        #expect(Length.inches(0.125).description == "3.18mm")
    }

    @Test func trimSizeTakesOneUnitForBothSides() throws {
        let card = try TrimSize(parsing: "85x55mm")
        #expect(abs(card.width.millimetres - 85) < 1e-9 && abs(card.height.millimetres - 55) < 1e-9)
        let us = try TrimSize(parsing: "3.5 x 2 in")
        #expect(abs(us.width.inches - 3.5) < 1e-9 && abs(us.height.inches - 2) < 1e-9)
        let mixed = try TrimSize(parsing: "210mm × 297mm")
        #expect(abs(mixed.height.millimetres - 297) < 1e-9)
        #expect(card.description == "85x55mm")
        #expect(throws: LengthError.self) { try TrimSize(parsing: "85x55") }
    }

    @Test func pageCountRules() throws {
        #expect(try PageCountRule(parsing: "2") == .exactly(2))
        #expect(try PageCountRule(parsing: "4-64").allows(32))
        #expect(try !PageCountRule(parsing: "4-64").allows(2))
        #expect(try PageCountRule(parsing: "1,2,4") == .oneOf([1, 2, 4]))
        #expect(throws: PageCountError.self) { try PageCountRule(parsing: "0") }
        #expect(throws: PageCountError.self) { try PageCountRule(parsing: "9-3") }
    }

    @Test func laterSpecsOverrideKeyByKey() throws {
        let folder = ProductSpec(trim: try TrimSize(parsing: "85x55mm"), bleed: .millimetres(3), pages: .exactly(2))
        let ticket = ProductSpec(bleed: .millimetres(2))
        let merged = folder.overridden(by: ticket)
        #expect(merged.bleed == .millimetres(2))
        #expect(merged.trim == folder.trim)
        #expect(merged.pages == .exactly(2))
    }
}
