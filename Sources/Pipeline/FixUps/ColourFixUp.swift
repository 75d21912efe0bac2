import Foundation

/// color.cmyk: RGB (DeviceRGB, CalRGB, ICC-based RGB) and Lab converted to DeviceCMYK through the output
/// profile, wherever they are painted from: content streams, images (indexed ones by their palette),
/// shadings, patterns, forms, annotations' appearances and soft-mask groups.
///
/// Only what is RGB changes: a content stream without RGB keeps its bytes, a CMYK or gray image is not
/// read, spot colours and DeviceN stay as they are. Objects shared between pages are converted once.
/// RGB black in text becomes 100% K, never a four-colour black that would blur small type on press.
final class ColourFixUp {
    let file: QPDFFile
    let converter: ColourConverter

    /// What one page's conversion changed, for its report line.
    struct Counts: Equatable {
        var colours = 0, images = 0, shadings = 0, blackText = 0
        /// Images or shadings left as they were (JPX data, a PostScript function, mesh data).
        var leftAlone = 0
        var isEmpty: Bool { colours + images + shadings == 0 }
    }

    private var counts = Counts()
    private var visited = Set<Int>()
    private let profiles = ColourSpaceCache()
    /// Colour spaces by resources dictionary and name: content names the same few thousands of times.
    private var spaces: [SpaceKey: ConvertibleColourSpace] = [:]
    /// Whether a resources dictionary names a colour space that converts (then its content must be read).
    private var convertingResources: [UInt32: Bool] = [:]

    private struct SpaceKey: Hashable { var resources: UInt32; var name: String }

    init(file: QPDFFile, converter: ColourConverter) {
        self.file = file
        self.converter = converter
    }

    /// Converts one page and what it draws; the counts of this page's changes.
    func convert(page: QPDFObject) -> Counts {
        counts = Counts()
        let resources = page.inherited("Resources")
        convertGroup(of: page)
        convertResources(resources)
        let streams = page["Contents"].map { $0.isArray ? $0.items : [$0] } ?? []
        var state = ColourState()
        for stream in streams { rewrite(stream, resources: resources, state: &state) }
        for annotation in page["Annots"]?.items ?? [] {
            guard let appearances = annotation["AP"] else { continue }
            for key in ["N", "R", "D"] {
                guard let appearance = appearances[key] else { continue }
                if appearance.isStream { convertForm(appearance, inherited: nil) } else {
                    for state in appearance.keys { if let form = appearance[state], form.isStream { convertForm(form, inherited: nil) } }
                }
            }
        }
        return counts
    }

    // MARK: Content streams

    /// The colour spaces in force while a stream is read: the current fill and stroke spaces, saved and
    /// restored with q and Q.
    private struct ColourState {
        enum Space { case converting(ColourConverter.Source), pattern, other }
        var fill = Space.other, stroke = Space.other
        var saved: [(Space, Space)] = []
        var inText = false
    }

    private struct Edit { var range: Range<Int>; var text: String }

    private func rewrite(_ stream: QPDFObject, resources: QPDFObject?, state: inout ColourState) {
        guard let data = stream.streamData() else { return }
        let bytes = [UInt8](data)
        // Most streams of a file that is CMYK already have nothing to read for: no RGB operator, no RGB name,
        // no converting colour space in their resources.
        guard mustRead(bytes, resources: resources, state: state) else { return }
        let edits = edits(in: bytes, resources: resources, state: &state)
        guard !edits.isEmpty else { return }
        var output = Data()
        output.reserveCapacity(bytes.count + edits.count * 8)
        var cursor = 0
        for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) where edit.range.lowerBound >= cursor {
            output.append(contentsOf: bytes[cursor..<edit.range.lowerBound])
            output.append(contentsOf: Array(edit.text.utf8))
            cursor = edit.range.upperBound
        }
        output.append(contentsOf: bytes[cursor...])
        guard let encoded = Flate.compress(output) else { return }
        stream.replaceStreamData(flateEncoded: encoded, entries: [:], removing: ["DecodeParms"])
    }

    private func edits(in bytes: [UInt8], resources: QPDFObject?, state: inout ColourState) -> [Edit] {
        var lexer = ContentLexer(bytes)
        var parser = OperandParser()
        var operands: [(operand: ContentOperand, range: Range<Int>)] = []
        var compositeStart = 0
        var edits: [Edit] = []
        while let (token, range) = lexer.nextWithRange() {
            if case .keyword(let word) = token, !parser.isNested, !["true", "false", "null"].contains(word) {
                edits += perform(word, operands, operatorRange: range, resources: resources, state: &state)
                operands.removeAll(keepingCapacity: true)
                continue
            }
            if case .inlineImage(let entries) = token {
                if let edit = convertInlineImage(entries, bytes: bytes, range: range, resources: resources) { edits.append(edit) }
                operands.removeAll(keepingCapacity: true)
                continue
            }
            if !parser.isNested { compositeStart = range.lowerBound }
            if let operand = parser.feed(token) { operands.append((operand, compositeStart..<range.upperBound)) }
        }
        return edits
    }

    private func perform(_ op: String, _ operands: [(operand: ContentOperand, range: Range<Int>)], operatorRange: Range<Int>,
                         resources: QPDFObject?, state: inout ColourState) -> [Edit] {
        let numbers = operands.compactMap(\.operand.number)
        switch op {
        case "q": state.saved.append((state.fill, state.stroke))
        case "Q": if let (fill, stroke) = state.saved.popLast() { (state.fill, state.stroke) = (fill, stroke) }
        case "BT": state.inText = true
        case "ET": state.inText = false
        case "g", "k": state.fill = .other
        case "G", "K": state.stroke = .other
        case "rg", "RG":
            let stroking = op == "RG"
            if stroking { state.stroke = .converting(.sRGB) } else { state.fill = .converting(.sRGB) }
            guard numbers.count == 3, operands.count == 3, let cmyk = cmyk(numbers, from: .sRGB, inText: state.inText) else { return [] }
            return [Edit(range: operands[0].range.lowerBound..<operatorRange.upperBound, text: cmyk + (stroking ? " K" : " k"))]
        case "cs", "CS":
            guard let last = operands.last, let name = last.operand.name else { return [] }
            let space = colourSpace(named: name, resources: resources)
            var result: ColourState.Space = .other
            var edits: [Edit] = []
            switch space {
            case .source(let source):
                result = .converting(source)
                edits = [Edit(range: last.range, text: "/DeviceCMYK")]
            case .indexed:
                // Its palette was converted with the resources; the indices in the content stay.
                break
            case .pattern: result = .pattern
            case .keep: break
            }
            if op == "CS" { state.stroke = result } else { state.fill = result }
            return edits
        case "sc", "scn", "SC", "SCN":
            let space = op.hasPrefix("s") ? state.fill : state.stroke
            if case .pattern = space, let name = operands.last?.operand.name { convertPattern(resources?["Pattern"]?[name], inherited: resources) }
            guard case .converting(let source) = space, numbers.count == 3, operands.count == 3,
                  let cmyk = cmyk(numbers, from: source, inText: state.inText) else { return [] }
            return [Edit(range: operands[0].range.lowerBound..<operands[2].range.upperBound, text: cmyk)]
        case "sh":
            if let name = operands.last?.operand.name { convertShading(resources?["Shading"]?[name]) }
        case "Do":
            guard let name = operands.last?.operand.name, let object = resources?["XObject"]?[name] else { return [] }
            switch object["Subtype"]?.name {
            case "Image": convertImage(object, resources: resources)
            case "Form": convertForm(object, inherited: resources)
            default: break
            }
        case "gs":
            guard let name = operands.last?.operand.name, let graphicsState = resources?["ExtGState"]?[name] else { return [] }
            if let mask = graphicsState["SMask"], let group = mask["G"], group.isStream { convertForm(group, inherited: resources) }
        default: break
        }
        return []
    }

    /// "c m y k" for an RGB or Lab colour; RGB black is "0 0 0 1" (its colour is often set before the text
    /// object it is used in, so it is not told apart from black lines and areas).
    private func cmyk(_ components: [Double], from source: ColourConverter.Source, inText: Bool) -> String? {
        let isBlack = source.isLab ? components[0] <= 0.001 : components.allSatisfy { $0 <= 0.001 }
        let values: [Double]
        if isBlack {
            values = [0, 0, 0, 1]
            counts.blackText += 1
        } else {
            guard let converted = converter.cmyk(components, from: source) else { return nil }
            values = converted
        }
        counts.colours += 1
        return values.map { Matrix.number(($0 * 10_000).rounded() / 10_000) }.joined(separator: " ")
    }

    /// An RGB inline image (BI ... ID ... EI) rewritten in place as CMYK, ASCII-hex encoded so that no byte
    /// of its data can be read as the EI that ends it. Indexed and 1-bit inline images stay as they are.
    private func convertInlineImage(_ entries: [String: ContentOperand], bytes: [UInt8], range: Range<Int>,
                                    resources: QPDFObject?) -> Edit? {
        guard case .name(let spaceName)? = entries["CS"] ?? entries["ColorSpace"],
              case .source(let source) = colourSpace(named: spaceName, resources: resources), !source.isLab,
              let width = (entries["W"] ?? entries["Width"])?.number, let height = (entries["H"] ?? entries["Height"])?.number,
              (entries["BPC"] ?? entries["BitsPerComponent"])?.number == 8, entries["D"] == nil, entries["Decode"] == nil,
              let start = Self.inlineDataStart(in: bytes, range: range) else { return nil }
        // The data ends before the whitespace that precedes EI.
        let end = range.upperBound - 3
        guard end > start else { return nil }
        var dictionary = "<< /Length \(end - start)"
        if let filter = entries["F"] ?? entries["Filter"] { dictionary += " /Filter " + Self.inlineSyntax(filter, expanding: true) }
        if let parameters = entries["DP"] ?? entries["DecodeParms"] { dictionary += " /DecodeParms " + Self.inlineSyntax(parameters, expanding: false) }
        let scratch = file.newStream(bytes: Data(bytes[start..<end]), dictionary: dictionary + " >>")
        let count = Int(width) * Int(height)
        guard let data = scratch.fullyDecodedStreamData(), data.count >= count * 3,
              let cmyk = converter.cmyk(pixels: [UInt8](data), count: count, from: source, bitsPerComponent: 8) else {
            counts.leftAlone += 1
            return nil
        }
        let hex = cmyk.map { String(format: "%02x", $0) }.joined()
        var text = "BI /W \(Int(width)) /H \(Int(height)) /CS /CMYK /BPC 8 /F /AHx"
        if case .keyword(let flag)? = entries["I"] ?? entries["Interpolate"] { text += " /I \(flag)" }
        text += " ID\n\(hex)>\nEI"
        counts.images += 1
        return Edit(range: range, text: text)
    }

    /// Where an inline image's data starts: after "ID" and the one whitespace byte that follows it.
    private static func inlineDataStart(in bytes: [UInt8], range: Range<Int>) -> Int? {
        var index = range.lowerBound + 2
        while index + 2 < range.upperBound {
            if bytes[index] == UInt8(ascii: "I"), bytes[index + 1] == UInt8(ascii: "D"),
               [0, 9, 10, 12, 13, 32].contains(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: ">") || bytes[index - 1] == UInt8(ascii: "]"),
               [0, 9, 10, 12, 13, 32].contains(bytes[index + 2]) {
                return index + 3
            }
            index += 1
        }
        return nil
    }

    /// An inline image's filter or parameters as stream dictionary syntax, abbreviations spelt out.
    private static func inlineSyntax(_ operand: ContentOperand, expanding: Bool) -> String {
        let filters = ["AHx": "ASCIIHexDecode", "A85": "ASCII85Decode", "LZW": "LZWDecode", "Fl": "FlateDecode",
                       "RL": "RunLengthDecode", "CCF": "CCITTFaxDecode", "DCT": "DCTDecode"]
        switch operand {
        case .name(let name): return "/" + (expanding ? filters[name] ?? name : name)
        case .number(let value): return Matrix.number(value)
        case .array(let items): return "[" + items.map { inlineSyntax($0, expanding: expanding) }.joined(separator: " ") + "]"
        case .dictionary(let entries): return "<<" + entries.map { "/\($0.key) " + inlineSyntax($0.value, expanding: false) }.joined(separator: " ") + ">>"
        case .keyword(let word): return word
        case .string: return "()"
        }
    }

    /// A named colour space, resolved once per resources dictionary.
    private func colourSpace(named name: String, resources: QPDFObject?) -> ConvertibleColourSpace {
        guard let resources else { return ConvertibleColourSpace.named(name, resources: nil) }
        let key = SpaceKey(resources: resources.handleNumber, name: name)
        if let known = spaces[key] { return known }
        let space = ConvertibleColourSpace.named(name, resources: resources, cache: profiles)
        spaces[key] = space
        return space
    }

    private func mustRead(_ bytes: [UInt8], resources: QPDFObject?, state: ColourState) -> Bool {
        if case .converting = state.fill { return true }
        if case .converting = state.stroke { return true }
        if let resources {
            let key = resources.handleNumber
            let converting = convertingResources[key] ?? {
                let spaces = resources["ColorSpace"]
                let answer = spaces?.keys.contains { name in
                    if case .source = colourSpace(named: name, resources: resources) { return true }
                    return false
                } ?? false
                convertingResources[key] = answer
                return answer
            }()
            if converting { return true }
        }
        return Self.mentionsRGB(bytes)
    }

    /// Whether the bytes hold an `rg` or `RG` operator or the letters RGB (DeviceRGB, an inline image's /RGB).
    static func mentionsRGB(_ bytes: [UInt8]) -> Bool {
        let count = bytes.count
        guard count >= 2 else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            func isBreak(_ index: Int) -> Bool {
                index < 0 || index >= count || [0, 9, 10, 12, 13, 32, 0x2F, 0x5B, 0x5D, 0x28, 0x3C].contains(buffer[index])
            }
            var index = 0
            while index + 1 < count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "r") || byte == UInt8(ascii: "R") {
                    let next = buffer[index + 1]
                    if byte == UInt8(ascii: "R"), next == UInt8(ascii: "G"), index + 2 < count, buffer[index + 2] == UInt8(ascii: "B") { return true }
                    if (next == UInt8(ascii: "g") && byte == UInt8(ascii: "r")) || (next == UInt8(ascii: "G") && byte == UInt8(ascii: "R")),
                       isBreak(index - 1), isBreak(index + 2) { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// Everything a resources dictionary holds that carries colour of its own: images, forms, patterns,
    /// shadings, soft masks and indexed palettes, converted whether or not the content reaches them by a
    /// path the content walk would follow.
    private func convertResources(_ resources: QPDFObject?) {
        guard let resources else { return }
        if let spaces = resources["ColorSpace"] {
            for name in spaces.keys {
                if case .indexed(let base, let highest, let lookup) = colourSpace(named: name, resources: resources) {
                    convertPalette(named: name, base: base, highest: highest, lookup: lookup, resources: resources)
                }
            }
        }
        if let objects = resources["XObject"] {
            for name in objects.keys {
                guard let object = objects[name] else { continue }
                switch object["Subtype"]?.name {
                case "Image": convertImage(object, resources: resources)
                case "Form": convertForm(object, inherited: resources)
                default: break
                }
            }
        }
        if let patterns = resources["Pattern"] { for name in patterns.keys { convertPattern(patterns[name], inherited: resources) } }
        if let shadings = resources["Shading"] { for name in shadings.keys { convertShading(shadings[name]) } }
        if let states = resources["ExtGState"] {
            for name in states.keys {
                if let mask = states[name]?["SMask"], let group = mask["G"], group.isStream { convertForm(group, inherited: resources) }
            }
        }
    }

    // MARK: Resources

    /// Whether the object is seen for the first time (shared objects are converted once).
    private func firstVisit(_ object: QPDFObject) -> Bool {
        object.objectID == 0 || visited.insert(object.objectID).inserted
    }

    private func convertForm(_ form: QPDFObject, inherited: QPDFObject?) {
        guard firstVisit(form) else { return }
        convertGroup(of: form)
        let resources = form["Resources"] ?? inherited
        if form["Resources"] != nil { convertResources(resources) }
        var state = ColourState()
        rewrite(form, resources: resources, state: &state)
    }

    /// A transparency group blended in RGB blends in CMYK once its content is CMYK.
    private func convertGroup(of object: QPDFObject) {
        guard let group = object["Group"], let space = group["CS"] else { return }
        if case .source = ConvertibleColourSpace.resolve(space, resources: nil) { group.setName("CS", to: "DeviceCMYK") }
    }

    private func convertPattern(_ pattern: QPDFObject?, inherited: QPDFObject?) {
        guard let pattern, firstVisit(pattern) else { return }
        if pattern["PatternType"]?.number == 2 {
            convertShading(pattern["Shading"])
        } else if pattern.isStream {
            let resources = pattern["Resources"] ?? inherited
            if pattern["Resources"] != nil { convertResources(resources) }
            var state = ColourState()
            rewrite(pattern, resources: resources, state: &state)
        }
    }

    /// An Indexed colour space's palette converted in place: the image data (palette indices) stays.
    private func convertPalette(named name: String?, base: ColourConverter.Source, highest: Int, lookup: QPDFObject,
                                resources: QPDFObject?, holder: QPDFObject? = nil) {
        guard let table = lookup.isStream ? lookup.streamData() : lookup.binaryString else { return }
        let entries = highest + 1
        guard entries > 0, table.count >= entries * 3, !base.isLab,
              let cmyk = converter.cmyk(pixels: [UInt8](table.prefix(entries * 3)), count: entries, from: base, bitsPerComponent: 8) else { return }
        let space = file.parse("[/Indexed /DeviceCMYK \(highest) <>]")
        space.setItem(3, to: file.newBinaryString(Data(cmyk)))
        if let holder {
            holder.set("ColorSpace", to: space)
        } else if let name, let spaces = resources?["ColorSpace"] {
            guard let current = spaces[name], firstVisit(current) else { return }
            spaces.set(name, to: space)
        }
        counts.colours += entries
    }

    private func convertImage(_ image: QPDFObject, resources: QPDFObject?) {
        guard firstVisit(image), image["ImageMask"]?.bool != true else { return }
        switch ConvertibleColourSpace.resolve(image["ColorSpace"], resources: resources, cache: profiles) {
        case .indexed(let base, let highest, let lookup):
            convertPalette(named: nil, base: base, highest: highest, lookup: lookup, resources: resources, holder: image)
            counts.images += 1
        case .source(let source):
            guard let width = image["Width"]?.number, let height = image["Height"]?.number,
                  let bits = image["BitsPerComponent"]?.number, [8, 16].contains(Int(bits)), !source.isLab,
                  image["Decode"] == nil, let data = image.fullyDecodedStreamData() else {
                counts.leftAlone += 1
                return
            }
            let count = Int(width) * Int(height)
            guard data.count >= count * 3 * Int(bits) / 8,
                  let cmyk = converter.cmyk(pixels: [UInt8](data), count: count, from: source, bitsPerComponent: Int(bits)),
                  let encoded = Flate.compress(Data(cmyk)) else {
                counts.leftAlone += 1
                return
            }
            image.replaceStreamData(flateEncoded: encoded, entries: ["ColorSpace": "/DeviceCMYK"], removing: ["DecodeParms", "Decode"])
            counts.images += 1
        case .pattern, .keep:
            break
        }
    }

    /// A shading's colours sampled through its function (256 steps), converted, and written as a sampled
    /// function of four outputs. Shadings without a function of one input (mesh data, type 1) are left.
    private func convertShading(_ shading: QPDFObject?) {
        guard let shading, firstVisit(shading),
              case .source(let source) = ConvertibleColourSpace.resolve(shading["ColorSpace"], resources: nil, cache: profiles) else { return }
        let type = Int(shading["ShadingType"]?.number ?? 0)
        guard type >= 2, let function = ShadingFunction(shading["Function"]) else {
            counts.leftAlone += 1
            return
        }
        let (d0, d1) = function.domain
        let steps = 256
        var samples: [UInt8] = []
        samples.reserveCapacity(steps * 4)
        for step in 0..<steps {
            guard let colour = function.evaluate(d0 + (d1 - d0) * Double(step) / Double(steps - 1)), colour.count == 3,
                  let cmyk = converter.cmyk(colour, from: source) else {
                counts.leftAlone += 1
                return
            }
            samples += cmyk.map { UInt8(($0 * 255).rounded()) }
        }
        let sampled = file.newStream(bytes: Data(samples), dictionary: "<< /FunctionType 0 /Domain [\(Matrix.number(d0)) \(Matrix.number(d1))] "
                                     + "/Range [0 1 0 1 0 1 0 1] /Size [\(steps)] /BitsPerSample 8 /Order 1 >>")
        shading.set("Function", to: sampled)
        shading.setName("ColorSpace", to: "DeviceCMYK")
        if let background = shading["Background"]?.numbers, background.count == 3, let cmyk = converter.cmyk(background, from: source) {
            shading.set("Background", to: file.parse("[\(cmyk.map(Matrix.number).joined(separator: " "))]"))
        }
        counts.shadings += 1
    }
}
