import CPoppler
import Foundation

/// A PDF opened with Poppler. Owns the `PopplerDocument` handle; raw pointers never leave this file.
///
/// Not thread-safe (Poppler documents are not): use one instance from one thread. Worker processes are the
/// only users, one document each.
public final class PDFDocument {
    private let handle: OpaquePointer

    /// Opens the PDF at `path` (made absolute first: g_filename_to_uri refuses relative paths).
    public init(path: String) throws(ArtworkError) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var error: UnsafeMutablePointer<GError>?
        guard let uri = g_filename_to_uri(absolute, nil, &error) else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "bad path"
            if let error { g_error_free(error) }
            throw .unreadable(path: path, reason: message)
        }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
            throw ArtworkError(popplerError: error, path: path)
        }
        handle = document
    }

    deinit { cpoppler_document_unref(handle) }

    public var pageCount: Int { Int(poppler_document_get_n_pages(handle)) }

    /// Every font the document uses, each with the first page it appears on (Poppler reports a font once).
    public func fonts() -> [FontUsage] {
        guard let info = poppler_font_info_new(handle) else { return [] }
        defer { poppler_font_info_free(info) }
        var fonts: [FontUsage] = []
        // One page per scan, so each font carries the first page it appears on. A scan returns false for a
        // page without new fonts, which is not the end of the document.
        for page in 1...max(1, pageCount) {
            var iterator: OpaquePointer?
            _ = poppler_font_info_scan(info, 1, &iterator)
            if let iterator {
                repeat {
                    let name = (poppler_fonts_iter_get_name(iterator) ?? poppler_fonts_iter_get_full_name(iterator))
                        .map { String(cString: $0) } ?? "(unnamed)"
                    fonts.append(FontUsage(name: name, type: Self.fontTypeName(poppler_fonts_iter_get_font_type(iterator)),
                                           isEmbedded: poppler_fonts_iter_is_embedded(iterator) != 0,
                                           isSubset: poppler_fonts_iter_is_subset(iterator) != 0, firstPage: page))
                } while poppler_fonts_iter_next(iterator) != 0
                poppler_fonts_iter_free(iterator)
            }
        }
        return fonts
    }

    private static func fontTypeName(_ type: PopplerFontType) -> String {
        switch type {
        case POPPLER_FONT_TYPE_TYPE1: "Type1"
        case POPPLER_FONT_TYPE_TYPE1C: "Type1C"
        case POPPLER_FONT_TYPE_TYPE1COT: "Type1C (OT)"
        case POPPLER_FONT_TYPE_TYPE3: "Type3"
        case POPPLER_FONT_TYPE_TRUETYPE: "TrueType"
        case POPPLER_FONT_TYPE_TRUETYPEOT: "TrueType (OT)"
        case POPPLER_FONT_TYPE_CID_TYPE0: "CID Type 0"
        case POPPLER_FONT_TYPE_CID_TYPE0C: "CID Type 0C"
        case POPPLER_FONT_TYPE_CID_TYPE0COT: "CID Type 0C (OT)"
        case POPPLER_FONT_TYPE_CID_TYPE2: "CID TrueType"
        case POPPLER_FONT_TYPE_CID_TYPE2OT: "CID TrueType (OT)"
        default: "unknown"
        }
    }

    /// Page `index` (0-based), or nil when Poppler cannot load it.
    public func page(at index: Int) -> PDFPage? {
        guard let page = poppler_document_get_page(handle, Int32(index)) else { return nil }
        return PDFPage(handle: page)
    }
}

/// One page of a `PDFDocument`; keeps its own reference to the Poppler page.
public final class PDFPage {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }
    deinit { cpoppler_page_unref(handle) }

    /// The boxes of the visible characters on the page, in Poppler's rendered space (origin at the top left
    /// of the CropBox as shown, y down, /Rotate applied), one per character; whitespace is left out.
    public func glyphBoxes() -> [(x0: Double, y0: Double, x1: Double, y1: Double)] {
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        guard poppler_page_get_text_layout(handle, &rectangles, &count) != 0, let rectangles else { return [] }
        defer { g_free(rectangles) }
        let text = poppler_page_get_text(handle).map { pointer -> String in
            defer { g_free(pointer) }
            return String(cString: pointer)
        } ?? ""
        var boxes: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
        for (index, character) in text.unicodeScalars.enumerated() where index < Int(count) {
            guard !character.properties.isWhitespace else { continue }
            let rectangle = rectangles[index]
            boxes.append((rectangle.x1, rectangle.y1, rectangle.x2, rectangle.y2))
        }
        return boxes
    }

    /// The page size Poppler reports and renders (the CropBox, turned by /Rotate), in points.
    public var size: (width: Double, height: Double) {
        var width = 0.0, height = 0.0
        poppler_page_get_size(handle, &width, &height)
        return (width, height)
    }
}

extension ArtworkError {
    /// Maps a Poppler GError to an operator-facing error and frees it.
    init(popplerError error: UnsafeMutablePointer<GError>?, path: String) {
        guard let error else {
            self = .unreadable(path: path, reason: "it cannot be opened")
            return
        }
        defer { g_error_free(error) }
        let message = String(cString: error.pointee.message)
        if error.pointee.domain == poppler_error_quark() && error.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
            self = .encrypted(path: path)
        } else if error.pointee.domain == g_file_error_quark() {
            self = .missing(path: path)
        } else {
            self = .unreadable(path: path, reason: message)
        }
    }
}
