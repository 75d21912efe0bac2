@testable import Agent
import Testing

@Suite struct IgnoreRulesTests {
    let rules = IgnoreRules(patterns: ["*.log", "proof_*"])

    @Test(arguments: [".hidden.pdf", ".card.pdf.Xy12Ab", "card.pdf.part", "card.PDF.filepart", "card.pdf.crdownload",
                      "card.tmp", "card.pdf.inprogress", "~$card.docx", "._card.pdf", ".DS_Store", "Thumbs.db", "thumbs.db",
                      "transfer.log", "proof_card.pdf"])
    func neverPickedUp(name: String) {
        #expect(rules.ignores(name))
    }

    @Test(arguments: ["card.pdf", "Card Front.PDF", "scan", "photo.jpeg", "ORD-1234_front.pdf", "part.pdf", "tmp.pdf"])
    func pickedUp(name: String) {
        #expect(!rules.ignores(name))
    }
}
