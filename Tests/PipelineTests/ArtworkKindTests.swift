import Foundation
import Pipeline
import TestFixtures
import Testing

@Suite struct ArtworkKindTests {
    @Test func recognisesSignaturesNotExtensions() {
        #expect(ArtworkKind.sniff(Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(ArtworkKind.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) == .jpeg)
        #expect(ArtworkKind.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(ArtworkKind.sniff([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0]) == .tiff)
        #expect(ArtworkKind.sniff([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8]) == .tiff)
        #expect(ArtworkKind.sniff(Array("hello world".utf8)) == nil)
        #expect(ArtworkKind.sniff([UInt8]()) == nil)
    }

    @Test func findsPDFHeaderAfterLeadingJunk() {
        let bytes = Array(repeating: UInt8(ascii: " "), count: 500) + Array("%PDF-1.4".utf8)
        #expect(ArtworkKind.sniff(bytes) == .pdf)
        let tooLate = Array(repeating: UInt8(ascii: " "), count: 1020) + Array("%PDF-1.4".utf8)
        #expect(ArtworkKind.sniff(tooLate) == nil)
    }

    @Test(.needsCorpus) func corpusFilesAreJudgedByContent() throws {
        #expect(try ArtworkKind.sniff(fileAt: Corpus.file("ocrmypdf_baiona_cmyk.jpg").path) == .jpeg)
        #expect(try ArtworkKind.sniff(fileAt: Corpus.file("ocrmypdf_baiona_alpha.png").path) == .png)
        #expect(try ArtworkKind.sniff(fileAt: Corpus.file("fc_old-style-jpeg-compression.tif").path) == .tiff)
        #expect(try ArtworkKind.sniff(fileAt: Corpus.file("ocrmypdf_vector.pdf").path) == .pdf)
    }
}
