import Foundation

/// Interprets a page's content streams far enough to know what is drawn where: the transformation matrix
/// through q/Q/cm and nested Form XObjects (to any depth the limit allows), colour spaces and colour
/// operators, images (XObjects and inline), shadings, patterns and transparency.
///
/// Image placement comes from the combined matrices, not from Poppler's rounded image mapping, so the
/// effective ppi matches `pdfimages -list`.
struct ContentWalker {
    /// Forms nested deeper than this are not followed (hostile files nest thousands deep).
    static let maximumDepth = 32
    /// Tokens per page before the walk stops (a runaway content stream is a stage timeout's job, but the
    /// facts gathered so far still count).
    static let maximumTokens = 20_000_000

    private var facts = ContentFacts()
    private var tokenCount = 0
    private var formStack: [Int] = []

    static func facts(of page: QPDFObject) -> ContentFacts {
        var walker = ContentWalker()
        let resources = page.inherited("Resources")
        if let content = page.pageContent() {
            walker.walk(content, resources: resources, matrix: .identity, depth: 0)
        }
        for annotation in page["Annots"]?.items ?? [] {
            if let action = annotation["A"], let type = action["S"]?.name, ["GoToR", "Launch", "ImportData"].contains(type) {
                walker.facts.externalReferences.append("\(type) action on a \(annotation["Subtype"]?.name ?? "") annotation")
            }
        }
        return walker.facts
    }

    private struct GraphicsState {
        var matrix: Matrix
        var fillSpace: ColourSpace = .gray
        var strokeSpace: ColourSpace = .gray
    }

    private mutating func walk(_ content: Data, resources: QPDFObject?, matrix: Matrix, depth: Int) {
        var lexer = ContentLexer(Array(content))
        var operands: [ContentOperand] = []
        var parser = OperandParser()
        var state = GraphicsState(matrix: matrix)
        var saved: [GraphicsState] = []
        while let token = lexer.next() {
            tokenCount += 1
            if tokenCount > Self.maximumTokens {
                facts.isIncomplete = true
                return
            }
            if case .inlineImage(let entries) = token {
                placeInlineImage(entries, resources: resources, state: state)
                operands.removeAll()
                continue
            }
            if case .keyword(let word) = token, !parser.isNested, !["true", "false", "null"].contains(word) {
                perform(word, operands, state: &state, saved: &saved, resources: resources, depth: depth)
                operands.removeAll(keepingCapacity: true)
                continue
            }
            if let operand = parser.feed(token) { operands.append(operand) }
        }
    }

    private mutating func perform(_ op: String, _ operands: [ContentOperand], state: inout GraphicsState,
                                  saved: inout [GraphicsState], resources: QPDFObject?, depth: Int) {
        switch op {
        case "q":
            saved.append(state)
        case "Q":
            if let previous = saved.popLast() { state = previous }
        case "cm":
            if let matrix = Matrix(operands.compactMap(\.number)) { state.matrix = matrix.then(state.matrix) }
        case "rg", "RG":
            use(.rgb, source: "\(op == "rg" ? "fill" : "stroke") colour (\(op))")
        case "k", "K":
            use(.cmyk, source: "\(op) operator")
        case "g", "G":
            use(.gray, source: "\(op) operator")
        case "cs", "CS":
            guard let name = operands.last?.name else { return }
            let space = colourSpace(named: name, resources: resources)
            if op == "cs" { state.fillSpace = space } else { state.strokeSpace = space }
        case "sc", "scn", "SC", "SCN":
            let space = op.first == "s" ? state.fillSpace : state.strokeSpace
            if space == .pattern, let name = operands.last?.name {
                pattern(named: name, resources: resources, matrix: state.matrix, depth: depth)
            } else {
                use(space, source: "\(op.first == "s" ? "fill" : "stroke") colour (\(space.description))")
            }
        case "sh":
            guard let name = operands.last?.name, let shading = resources?["Shading"]?[name] else { return }
            use(colourSpace(shading["ColorSpace"], resources: resources), source: "shading \(name)")
        case "gs":
            guard let name = operands.last?.name, let extGState = resources?["ExtGState"]?[name] else { return }
            for reason in Self.transparencyReasons(of: extGState) {
                facts.transparency.append(.init(reason: "\(reason) (graphics state \(name))", bbox: nil))
            }
        case "Do":
            guard let name = operands.last?.name, let object = resources?["XObject"]?[name] else { return }
            draw(object, named: name, state: state, resources: resources, depth: depth)
        default:
            break
        }
    }

    private mutating func draw(_ object: QPDFObject, named name: String, state: GraphicsState, resources: QPDFObject?, depth: Int) {
        if object["F"] != nil { facts.externalReferences.append("XObject \(name) takes its data from an external file") }
        switch object["Subtype"]?.name {
        case "Image":
            let isMask = object["ImageMask"]?.bool ?? false
            let space = isMask ? ColourSpace.gray : colourSpace(object["ColorSpace"], resources: resources)
            placeImage(name: name, width: Int(object["Width"]?.number ?? 0), height: Int(object["Height"]?.number ?? 0),
                       space: space, isMask: isMask, bitsPerComponent: Int(object["BitsPerComponent"]?.number ?? (isMask ? 1 : 8)),
                       matrix: state.matrix, masked: object["SMask"]?.isStream == true || (object["SMaskInData"]?.number ?? 0) > 0)
        case "Form":
            if object["Ref"] != nil { facts.externalReferences.append("Form \(name) is a reference XObject (content in another file)") }
            let id = object.objectID
            guard enter(id, named: name, depth: depth) else { return }
            let matrix = (Matrix(object["Matrix"]?.numbers) ?? .identity).then(state.matrix)
            if object["Group"]?["S"]?.name == "Transparency" {
                facts.transparency.append(.init(reason: "transparency group (form \(name))",
                                                bbox: PDFRect(object["BBox"]?.numbers).map { Self.transform($0, by: matrix) }))
            }
            guard let data = object.streamData() else { return }
            formStack.append(id)
            walk(data, resources: object["Resources"] ?? resources, matrix: matrix, depth: depth + 1)
            formStack.removeLast()
        default:
            break
        }
    }

    /// Whether a form or pattern may be walked: not when it is already being drawn (a loop) or the nesting
    /// is past the limit; either is recorded once for the pdf.xobject_nesting check.
    private mutating func enter(_ id: Int, named name: String, depth: Int) -> Bool {
        if id != 0, formStack.contains(id) {
            let problem = ContentFacts.NestingProblem.loop(name: name)
            if !facts.nestingProblems.contains(problem) { facts.nestingProblems.append(problem) }
            return false
        }
        guard depth < Self.maximumDepth else {
            facts.isIncomplete = true
            let problem = ContentFacts.NestingProblem.tooDeep(limit: Self.maximumDepth)
            if !facts.nestingProblems.contains(problem) { facts.nestingProblems.append(problem) }
            return false
        }
        return true
    }

    private mutating func placeInlineImage(_ entries: [String: ContentOperand], resources: QPDFObject?, state: GraphicsState) {
        let isMask = ["IM", "ImageMask"].contains { key in entries[key] == .keyword("true") }
        let width = Int((entries["W"] ?? entries["Width"])?.number ?? 0)
        let height = Int((entries["H"] ?? entries["Height"])?.number ?? 0)
        var space = ColourSpace.gray
        if !isMask, let name = (entries["CS"] ?? entries["ColorSpace"])?.name {
            let abbreviations = ["G": "DeviceGray", "RGB": "DeviceRGB", "CMYK": "DeviceCMYK", "I": "Indexed"]
            space = colourSpace(named: abbreviations[name] ?? name, resources: resources)
        }
        placeImage(name: "inline image", width: width, height: height, space: space, isMask: isMask,
                   bitsPerComponent: Int((entries["BPC"] ?? entries["BitsPerComponent"])?.number ?? (isMask ? 1 : 8)),
                   matrix: state.matrix, masked: false)
    }

    private mutating func placeImage(name: String, width: Int, height: Int, space: ColourSpace, isMask: Bool,
                                     bitsPerComponent: Int, matrix: Matrix, masked: Bool) {
        guard width > 0, height > 0 else { return }
        let sides = matrix.unitSquareSides
        let bbox = matrix.unitSquareBounds
        let ppiX = sides.width > 0 ? Double(width) / (sides.width / 72) : 0
        let ppiY = sides.height > 0 ? Double(height) / (sides.height / 72) : 0
        facts.images.append(.init(name: name, widthPx: width, heightPx: height, ppiX: ppiX, ppiY: ppiY,
                                  colorSpace: isMask ? "ImageMask" : space.description, bitsPerComponent: bitsPerComponent,
                                  isMask: isMask, bbox: bbox))
        if !isMask { use(space, source: "image \(name) (\(space.description))", bbox: bbox) }
        if masked { facts.transparency.append(.init(reason: "soft mask on image \(name)", bbox: bbox)) }
    }

    private mutating func pattern(named name: String, resources: QPDFObject?, matrix: Matrix, depth: Int) {
        guard let pattern = resources?["Pattern"]?[name] else { return }
        if pattern["PatternType"]?.number == 2, let shading = pattern["Shading"] {
            use(colourSpace(shading["ColorSpace"], resources: resources), source: "shading pattern \(name)")
        } else if pattern["PatternType"]?.number == 1, let data = pattern.streamData() {
            let id = pattern.objectID
            guard enter(id, named: name, depth: depth) else { return }
            formStack.append(id)
            walk(data, resources: pattern["Resources"] ?? resources,
                 matrix: Matrix(pattern["Matrix"]?.numbers) ?? .identity, depth: depth + 1)
            formStack.removeLast()
        }
    }

    private mutating func use(_ space: ColourSpace, source: String, bbox: PDFRect? = nil) {
        let kind: ContentFacts.ColourUse.Kind?
        switch space {
        case .rgb: kind = .rgb
        case .iccBased(3): kind = .iccRGB
        case .gray, .iccBased(1): kind = .gray
        case .cmyk, .iccBased(4): kind = .cmyk
        case .lab: kind = .lab
        case .separation("All"): kind = .registration
        case .separation("None"): kind = nil
        case .separation(let name): kind = .spot(name)
        case .deviceN(let names): kind = .deviceN(names)
        case .indexed(let base):
            use(base.value, source: source, bbox: bbox)
            return
        case .pattern, .unknown, .iccBased: kind = nil
        }
        guard let kind else { return }
        let use = ContentFacts.ColourUse(kind: kind, source: source, bbox: bbox)
        // One entry per kind and source is enough to report; a page may set the same colour thousands of times.
        if !facts.colourUses.contains(where: { $0.kind == use.kind && $0.source == use.source }) {
            facts.colourUses.append(use)
        }
    }

    private func colourSpace(named name: String, resources: QPDFObject?) -> ColourSpace {
        switch name {
        case "DeviceRGB", "RGB": return .rgb
        case "DeviceCMYK", "CMYK": return .cmyk
        case "DeviceGray", "G": return .gray
        case "Pattern": return .pattern
        default: return colourSpace(resources?["ColorSpace"]?[name], resources: nil, depth: 1)
        }
    }

    private func colourSpace(_ object: QPDFObject?, resources: QPDFObject?, depth: Int = 0) -> ColourSpace {
        guard let object, depth < 8 else { return .unknown("missing") }
        if let name = object.name { return colourSpace(named: name, resources: resources) }
        let items = object.items
        guard let family = items.first?.name else { return .unknown("unreadable") }
        switch family {
        case "ICCBased":
            return .iccBased(components: Int(items[safe: 1]?["N"]?.number ?? 0))
        case "CalRGB": return .rgb
        case "CalGray": return .gray
        case "CalCMYK": return .cmyk
        case "Lab": return .lab
        case "Separation": return .separation(items[safe: 1]?.name ?? "?")
        case "DeviceN": return .deviceN(items[safe: 1]?.items.compactMap(\.name) ?? [])
        case "Indexed", "I": return .indexed(base: .init(colourSpace(items[safe: 1], resources: resources, depth: depth + 1)))
        case "Pattern": return .pattern
        default: return colourSpace(named: family, resources: resources)
        }
    }

    /// Why an ExtGState makes transparency: constant alpha below 1, a soft mask, a non-normal blend mode.
    static func transparencyReasons(of state: QPDFObject) -> [String] {
        var reasons: [String] = []
        if let alpha = state["ca"]?.number, alpha < 1 { reasons.append("fill opacity \(alpha)") }
        if let alpha = state["CA"]?.number, alpha < 1 { reasons.append("stroke opacity \(alpha)") }
        if let mask = state["SMask"], mask.name != "None" { reasons.append("soft mask") }
        let modes = state["BM"].map { $0.name.map { [$0] } ?? $0.items.compactMap(\.name) } ?? []
        if let mode = modes.first, !["Normal", "Compatible"].contains(mode) { reasons.append("blend mode \(mode)") }
        return reasons
    }

    static func transform(_ rect: PDFRect, by matrix: Matrix) -> PDFRect {
        let corners = [matrix.apply(x: rect.x0, y: rect.y0), matrix.apply(x: rect.x1, y: rect.y0),
                       matrix.apply(x: rect.x0, y: rect.y1), matrix.apply(x: rect.x1, y: rect.y1)]
        return PDFRect(x0: corners.map(\.x).min()!, y0: corners.map(\.y).min()!, x1: corners.map(\.x).max()!, y1: corners.map(\.y).max()!)
    }
}
