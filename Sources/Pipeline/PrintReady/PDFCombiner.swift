import Foundation

/// One PDF from several, their pages in the order given: how a product made of parts (front and back,
/// cover and interior) becomes one print-ready file. Each page's content, resources, fonts and images are
/// copied by qpdf as they are, never re-encoded; the first file's catalogue (its output intent, its PDF/X
/// identity) is the result's, and every file's optional content groups (die-lines) are listed in it.
public struct PDFCombiner: Sendable {
    public init() {}

    public func combine(_ paths: [String], to output: String) throws {
        guard let first = paths.first else { throw PrintReadyError.qpdf(stage: "pages", message: "no files to combine") }
        let combined = try QPDFFile(path: first)
        try combined.pushInheritedAttributesToPages()
        var version = combined.version
        // Every source stays open until the result is written: qpdf reads copied streams' data then.
        var sources: [QPDFFile] = []
        for path in paths.dropFirst() {
            let source = try QPDFFile(path: path)
            sources.append(source)
            try source.pushInheritedAttributesToPages()
            let count = source.pageCount
            guard count > 0 else { throw ArtworkError.unreadable(path: path, reason: "its page tree cannot be read") }
            for index in 0..<count { try combined.appendPage(source.page(at: index)) }
            listOptionalContent(of: source, in: combined)
            if source.version > version { version = source.version }
        }
        try combined.write(to: output, minimumVersion: version)
    }

    /// The source's optional content groups, listed in the result's /OCProperties as the source listed them
    /// (its pages refer to their copies; a group nobody lists would be shown or hidden at a viewer's whim).
    private func listOptionalContent(of source: QPDFFile, in combined: QPDFFile) {
        guard let groups = source.root["OCProperties"]?["OCGs"]?.items, !groups.isEmpty else { return }
        let root = combined.root
        let properties = root["OCProperties"] ?? {
            let made = combined.parse("<< /OCGs [] /D << /Order [] /ON [] >> >>")
            root.set("OCProperties", to: made)
            return made
        }()
        let listed = Set((properties["OCGs"]?.items ?? []).map(\.objectID))
        for group in groups {
            let copy = combined.copyForeign(group)
            guard !listed.contains(copy.objectID) else { continue }
            properties["OCGs"]?.append(copy)
            if let defaults = properties["D"] {
                defaults["Order"]?.append(copy)
                defaults["ON"]?.append(copy)
            }
        }
    }
}
