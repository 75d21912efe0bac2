import Foundation

/// Interprets a page's content streams far enough to know what is drawn where: the transformation matrix
/// through q/Q/cm and nested Form XObjects (to any depth the limit allows), colour spaces and colour
/// operators, images (XObjects and inline), shadings, patterns and transparency.
///
/// Colour is recorded where it is painted (a fill, a stroke, text shown), not where it is set: a stray
/// `0 0 0 rg` that nothing uses is no RGB on the page.
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
    /// The bounds of the path being built (in page space), until it is painted or ended.
    private var pathBounds: PDFRect?
    /// Separation names (lowercased) that are a die-line, not an ink.
    private let dielineNames: Set<String>
    /// The path being built, in page space, kept only while a die-line colour is set (colour cannot change
    /// between a path's construction and its painting).
    private var dielinePath: [CutShape.PathElement] = []

    private init(dielineNames: [String]) {
        self.dielineNames = Set(dielineNames.map { $0.lowercased() })
    }

    /// `dielineNames`: the separations whose paths are the cut line (compared without case).
    static func facts(of page: QPDFObject, dielineNames: [String] = Dieline.usualNames) -> ContentFacts {
        var walker = ContentWalker(dielineNames: dielineNames)
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
        /// The colours set; nil until a colour operator sets one (the default black is not a use).
        var fill: PaintColour?
        var stroke: PaintColour?
        var lineWidth = 1.0
        var fillOverprint = false
        var strokeOverprint = false
        var overprintMode = 0
        var fontSize = 0.0
        var textMatrix = Matrix.identity
        var textLineMatrix = Matrix.identity
        var textRendering = 0
    }

    /// A colour as set: its space, its components and how the report names where it came from.
    private struct PaintColour {
        var space: ColourSpace
        var components: [Double]
        var source: String

        /// No ink at all: the white of the paper.
        var isWhite: Bool {
            switch space {
            case .cmyk, .iccBased(4): components.count == 4 && components.allSatisfy { $0 <= 0.001 }
            case .gray, .iccBased(1): components.first.map { $0 >= 0.999 } ?? false
            case .rgb, .iccBased(3): components.count == 3 && components.allSatisfy { $0 >= 0.999 }
            default: false
            }
        }

        var isCMYK: Bool { if case .cmyk = space { components.count == 4 } else { false } }

        /// Four-colour black: much black with cyan, magenta and yellow under it.
        var isRichBlack: Bool { isCMYK && components[3] >= 0.5 && components[0...2].allSatisfy { $0 >= 0.2 } }
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
        case "rg", "RG", "k", "K", "g", "G":
            let space: ColourSpace = op.lowercased() == "rg" ? .rgb : op.lowercased() == "k" ? .cmyk : .gray
            let source = op.lowercased() == "rg" ? "\(op == "rg" ? "fill" : "stroke") colour (\(op))" : "\(op) operator"
            let colour = PaintColour(space: space, components: operands.compactMap(\.number), source: source)
            if op.first!.isLowercase { (state.fillSpace, state.fill) = (space, colour) } else { (state.strokeSpace, state.stroke) = (space, colour) }
        case "cs", "CS":
            guard let name = operands.last?.name else { return }
            let space = colourSpace(named: name, resources: resources)
            let colour = PaintColour(space: space, components: Self.initialComponents(of: space),
                                     source: "\(op == "cs" ? "fill" : "stroke") colour (\(space.description))")
            if op == "cs" { (state.fillSpace, state.fill) = (space, colour) } else { (state.strokeSpace, state.stroke) = (space, colour) }
        case "sc", "scn", "SC", "SCN":
            let space = op.first == "s" ? state.fillSpace : state.strokeSpace
            if space == .pattern, let name = operands.last?.name {
                pattern(named: name, resources: resources, matrix: state.matrix, depth: depth)
            } else {
                let colour = PaintColour(space: space, components: operands.compactMap(\.number),
                                         source: "\(op.first == "s" ? "fill" : "stroke") colour (\(space.description))")
                if op.first == "s" { state.fill = colour } else { state.stroke = colour }
            }
        case "sh":
            guard let name = operands.last?.name, let shading = resources?["Shading"]?[name] else { return }
            use(colourSpace(shading["ColorSpace"], resources: resources), source: "shading \(name)")
        case "gs":
            guard let name = operands.last?.name, let extGState = resources?["ExtGState"]?[name] else { return }
            for reason in Self.transparencyReasons(of: extGState) {
                facts.transparency.append(.init(reason: "\(reason) (graphics state \(name))", bbox: nil))
            }
            if let stroke = extGState["OP"]?.bool {
                state.strokeOverprint = stroke
                state.fillOverprint = extGState["op"]?.bool ?? stroke
            } else if let fill = extGState["op"]?.bool {
                state.fillOverprint = fill
            }
            if let mode = extGState["OPM"]?.number { state.overprintMode = Int(mode) }
            if let width = extGState["LW"]?.number { state.lineWidth = width }
        case "w":
            if let width = operands.last?.number { state.lineWidth = width }
        case "m", "l":
            let numbers = operands.compactMap(\.number)
            if numbers.count == 2 {
                extendPath(numbers, state.matrix)
                if drawsDieline(state) { traceDieline(op, numbers, state.matrix) }
            }
        case "c", "v", "y":
            let numbers = operands.compactMap(\.number)
            extendPath(numbers, state.matrix)
            if drawsDieline(state) { traceDieline(op, numbers, state.matrix) }
        case "re":
            let n = operands.compactMap(\.number)
            if n.count == 4 {
                extendPath([n[0], n[1], n[0] + n[2], n[1] + n[3]], state.matrix)
                if drawsDieline(state) { traceDieline(op, n, state.matrix) }
            }
        case "h":
            if drawsDieline(state), !dielinePath.isEmpty { dielinePath.append(.close) }
        case "n":
            pathBounds = nil
            dielinePath.removeAll()
        case "f", "F", "f*":
            paint(fill: true, stroke: false, state: state)
        case "S", "s":
            paint(fill: false, stroke: true, state: state)
        case "B", "B*", "b", "b*":
            paint(fill: true, stroke: true, state: state)
        case "BT":
            (state.textMatrix, state.textLineMatrix) = (.identity, .identity)
        case "Tf":
            if let size = operands.last?.number { state.fontSize = size }
        case "Tr":
            if let mode = operands.last?.number { state.textRendering = Int(mode) }
        case "Tm":
            if let matrix = Matrix(operands.compactMap(\.number)) { (state.textMatrix, state.textLineMatrix) = (matrix, matrix) }
        case "Td", "TD":
            let n = operands.compactMap(\.number)
            if n.count == 2 {
                state.textLineMatrix = Matrix.translation(n[0], n[1]).then(state.textLineMatrix)
                state.textMatrix = state.textLineMatrix
            }
        case "Tj", "TJ", "'", "\"":
            showText(state: state)
        case "Do":
            guard let name = operands.last?.name, let object = resources?["XObject"]?[name] else { return }
            draw(object, named: name, state: state, resources: resources, depth: depth)
        default:
            break
        }
    }

    /// The starting components a `cs` gives: black for the device spaces, full tint for a spot colour.
    private static func initialComponents(of space: ColourSpace) -> [Double] {
        switch space {
        case .cmyk, .iccBased(4): [0, 0, 0, 1]
        case .rgb, .iccBased(3): [0, 0, 0]
        case .separation, .gray: [space == .gray ? 0 : 1]
        default: []
        }
    }

    private mutating func extendPath(_ coordinates: [Double], _ matrix: Matrix) {
        var index = 0
        while index + 1 < coordinates.count {
            let point = matrix.apply(x: coordinates[index], y: coordinates[index + 1])
            let rect = PDFRect(x0: point.x, y0: point.y, x1: point.x, y1: point.y)
            pathBounds = pathBounds.map { $0.union(rect) } ?? rect
            index += 2
        }
    }

    /// The most ink any pixel of an 8-bit CMYK image lays down (Adobe's inverted CMYK JPEGs read through
    /// their Decode array). Images over 16 megapixels are not decoded for this.
    private mutating func measureInk(ofImage image: QPDFObject, named name: String, bbox: PDFRect) {
        guard image["BitsPerComponent"]?.number == 8, let width = image["Width"]?.number, let height = image["Height"]?.number,
              width * height <= 16_000_000, let data = image.fullyDecodedStreamData(), data.count >= Int(width * height) * 4 else { return }
        let inverted = (image["Decode"]?.numbers).map { $0.count == 8 && $0[0] == 1 && $0[1] == 0 } ?? false
        var most = 0
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let samples = bytes.bindMemory(to: UInt8.self)
            var index = 0
            let end = Int(width * height) * 4
            while index < end {
                let sum = Int(samples[index]) + Int(samples[index + 1]) + Int(samples[index + 2]) + Int(samples[index + 3])
                if sum > most { most = sum }
                index += 4
            }
            if inverted {
                // With Decode [1 0 ...] the ink is 255 minus each sample: find the smallest sum instead.
                var least = 4 * 255
                index = 0
                while index < end {
                    let sum = Int(samples[index]) + Int(samples[index + 1]) + Int(samples[index + 2]) + Int(samples[index + 3])
                    if sum < least { least = sum }
                    index += 4
                }
                most = 4 * 255 - least
            }
        }
        let percent = Double(most) * 100 / 255
        if percent > (facts.maximumInk?.percent ?? 0) { facts.maximumInk = .init(percent: percent, source: "image \(name)", bbox: bbox) }
    }

    /// A path is painted: its colours are used, and what prepress checks of a painted object is noted. A
    /// path painted in a die-line colour is the cut line instead: no ink, no line to judge.
    private mutating func paint(fill: Bool, stroke: Bool, state: GraphicsState) {
        let bbox = pathBounds
        pathBounds = nil
        let fillCuts = fill && isDieline(state.fill), strokeCuts = stroke && isDieline(state.stroke)
        if fillCuts || strokeCuts, let colour = fillCuts ? state.fill : state.stroke, case .separation(let name) = colour.space {
            recordDieline(named: name, bbox: bbox)
        }
        dielinePath.removeAll()
        if fill, !fillCuts, let colour = state.fill { painted(colour, overprint: state.fillOverprint, state: state, bbox: bbox) }
        if stroke, !strokeCuts {
            if let colour = state.stroke { painted(colour, overprint: state.strokeOverprint, state: state, bbox: bbox) }
            let scale = abs(state.matrix.a * state.matrix.d - state.matrix.b * state.matrix.c).squareRoot()
            let width = state.lineWidth * scale
            if width < 2, facts.thinStrokes.count < ContentFacts.recordLimit {
                facts.thinStrokes.append(.init(width: width, bbox: bbox))
            }
        }
    }

    private func isDieline(_ colour: PaintColour?) -> Bool {
        guard let colour, case .separation(let name) = colour.space else { return false }
        return dielineNames.contains(name.lowercased())
    }

    private func drawsDieline(_ state: GraphicsState) -> Bool { isDieline(state.fill) || isDieline(state.stroke) }

    /// Adds one path operator to the die-line being built, in page space. `v` takes the current point as its
    /// first control point and `y` its end point as the second, both already in page space.
    private mutating func traceDieline(_ op: String, _ n: [Double], _ matrix: Matrix) {
        func point(_ x: Double, _ y: Double) -> (x: Double, y: Double) { matrix.apply(x: x, y: y) }
        var current: (x: Double, y: Double)? {
            switch dielinePath.last {
            case .move(let x, let y)?, .line(let x, let y)?, .curve(_, _, _, _, let x, let y)?: (x, y)
            default: nil
            }
        }
        switch (op, n.count) {
        case ("m", 2):
            let p = point(n[0], n[1])
            dielinePath.append(.move(x: p.x, y: p.y))
        case ("l", 2):
            let p = point(n[0], n[1])
            dielinePath.append(.line(x: p.x, y: p.y))
        case ("c", 6):
            let (a, b, p) = (point(n[0], n[1]), point(n[2], n[3]), point(n[4], n[5]))
            dielinePath.append(.curve(x1: a.x, y1: a.y, x2: b.x, y2: b.y, x: p.x, y: p.y))
        case ("v", 4):
            guard let start = current else { return }
            let (b, p) = (point(n[0], n[1]), point(n[2], n[3]))
            dielinePath.append(.curve(x1: start.x, y1: start.y, x2: b.x, y2: b.y, x: p.x, y: p.y))
        case ("y", 4):
            let (a, p) = (point(n[0], n[1]), point(n[2], n[3]))
            dielinePath.append(.curve(x1: a.x, y1: a.y, x2: p.x, y2: p.y, x: p.x, y: p.y))
        case ("re", 4):
            let corners = [point(n[0], n[1]), point(n[0] + n[2], n[1]), point(n[0] + n[2], n[1] + n[3]), point(n[0], n[1] + n[3])]
            dielinePath.append(.move(x: corners[0].x, y: corners[0].y))
            dielinePath += corners.dropFirst().map { .line(x: $0.x, y: $0.y) }
            dielinePath.append(.close)
        default:
            break
        }
    }

    private mutating func recordDieline(named name: String, bbox: PDFRect?) {
        var dieline = facts.dieline ?? .init(name: name, path: [], bbox: nil)
        if dieline.path.count + dielinePath.count <= ContentFacts.dielineElementLimit { dieline.path += dielinePath }
        if let bbox { dieline.bbox = dieline.bbox.map { $0.union(bbox) } ?? bbox }
        facts.dieline = dieline
    }

    private mutating func painted(_ colour: PaintColour, overprint: Bool, state: GraphicsState, bbox: PDFRect?) {
        use(colour.space, source: colour.source, bbox: bbox)
        if overprint && colour.isWhite { facts.overprintedWhite.append(bbox) }
        if overprint && colour.isCMYK && state.overprintMode == 0 && facts.overprintModeZero.count < ContentFacts.recordLimit {
            facts.overprintModeZero.append(bbox)
        }
        if colour.isCMYK {
            let ink = colour.components.reduce(0, +) * 100
            if ink > (facts.maximumInk?.percent ?? 0) { facts.maximumInk = .init(percent: ink, source: colour.source, bbox: bbox) }
        }
    }

    /// Text is shown: its fill colour is used (unless it is invisible or stroked only), its size as printed noted.
    private mutating func showText(state: GraphicsState) {
        guard state.textRendering != 3, state.textRendering != 7 else { return }
        let combined = state.textMatrix.then(state.matrix)
        let origin = combined.apply(x: 0, y: 0)
        let size = state.fontSize * abs(combined.a * combined.d - combined.b * combined.c).squareRoot()
        let bbox = PDFRect(x0: origin.x, y0: origin.y, x1: origin.x + max(size, 1), y1: origin.y + max(size, 1))
        let colour = state.textRendering == 1 ? state.stroke : state.fill
        if let colour { painted(colour, overprint: state.textRendering == 1 ? state.strokeOverprint : state.fillOverprint, state: state, bbox: bbox) }
        if size > 0, size < 12, facts.smallText.count < ContentFacts.recordLimit {
            facts.smallText.append(.init(size: size, isRichBlack: colour?.isRichBlack ?? false, bbox: bbox))
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
            let filters = object["Filter"].map { $0.isArray ? $0.items.compactMap(\.name) : [$0.name].compactMap { $0 } } ?? []
            for filter in filters where filter == "JPXDecode" || filter == "JBIG2Decode" {
                facts.imageFilters.append(.init(image: name, filter: filter, bbox: state.matrix.unitSquareBounds))
            }
            if space == .cmyk || space == .iccBased(components: 4) { measureInk(ofImage: object, named: name, bbox: state.matrix.unitSquareBounds) }
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
