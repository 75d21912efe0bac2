import Foundation

/// The file types the agent accepts, judged by content: customers send "card.pdf.jpg" and "scan" with no
/// extension at all, so the name proves nothing.
public enum ArtworkKind: String, Sendable, Hashable, Codable, CaseIterable {
    case pdf
    case jpeg
    case png
    case tiff

    /// How many leading bytes `sniff` needs. PDF readers accept junk before "%PDF-" within the first 1024 bytes.
    public static let sniffLength = 1024

    /// The kind whose signature `header` starts with (PDF: "%PDF-" anywhere in the first 1024 bytes), or nil.
    public static func sniff<Bytes: Collection<UInt8>>(_ header: Bytes) -> ArtworkKind? {
        let bytes = Array(header.prefix(sniffLength))
        func startsWith(_ signature: [UInt8]) -> Bool { bytes.starts(with: signature) }
        if startsWith([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if startsWith([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        // Classic TIFF (42) and BigTIFF (43), both byte orders.
        if startsWith([0x49, 0x49, 0x2A, 0x00]) || startsWith([0x4D, 0x4D, 0x00, 0x2A])
            || startsWith([0x49, 0x49, 0x2B, 0x00]) || startsWith([0x4D, 0x4D, 0x00, 0x2B]) { return .tiff }
        let pdfSignature = Array("%PDF-".utf8)
        if bytes.count >= pdfSignature.count {
            for start in 0...(bytes.count - pdfSignature.count) where bytes[start] == 0x25 {
                if bytes[start..<start + pdfSignature.count].elementsEqual(pdfSignature) { return .pdf }
            }
        }
        return nil
    }

    /// Reads the first bytes of the file at `path` and sniffs them.
    public static func sniff(fileAt path: String) throws -> ArtworkKind? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        let header = try handle.read(upToCount: sniffLength) ?? Data()
        return sniff(header)
    }

    /// The extension print-ready and proof names use.
    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        case .tiff: "tif"
        }
    }

    /// Every extension files of this kind commonly have, lowercased.
    public var fileExtensions: Set<String> {
        switch self {
        case .pdf: ["pdf"]
        case .jpeg: ["jpg", "jpeg", "jpe"]
        case .png: ["png"]
        case .tiff: ["tif", "tiff"]
        }
    }

    /// The media type an HTTP client sends or expects for this kind.
    public var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .tiff: "image/tiff"
        }
    }
}
