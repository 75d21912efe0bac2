/// Splits a decoded content stream into tokens. Tolerant: malformed input ends the stream early rather
/// than failing, because a preflight must report on damaged files too.
struct ContentLexer {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static func isWhitespace(_ byte: UInt8) -> Bool { [0, 9, 10, 12, 13, 32].contains(byte) }
    private static func isDelimiter(_ byte: UInt8) -> Bool { Array("()<>[]{}/%".utf8).contains(byte) }

    /// The next token with the bytes it was read from, for rewriting a stream in place.
    mutating func nextWithRange() -> (token: ContentToken, range: Range<Int>)? {
        skipWhitespaceAndComments()
        let start = index
        guard let token = next() else { return nil }
        return (token, start..<min(index, bytes.count))
    }

    mutating func next() -> ContentToken? {
        skipWhitespaceAndComments()
        guard index < bytes.count else { return nil }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "/"):
            index += 1
            return .name(readRegular())
        case UInt8(ascii: "("):
            skipLiteralString()
            return .string
        case UInt8(ascii: "<"):
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "<") {
                index += 2
                return .dictionaryStart
            }
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
            index += 1
            return .string
        case UInt8(ascii: ">"):
            index += bytes[safe: index + 1] == UInt8(ascii: ">") ? 2 : 1
            return .dictionaryEnd
        case UInt8(ascii: "["):
            index += 1
            return .arrayStart
        case UInt8(ascii: "]"):
            index += 1
            return .arrayEnd
        case UInt8(ascii: "{"), UInt8(ascii: "}"):
            index += 1
            return next()
        default:
            let word = readRegular()
            if word.isEmpty {
                index += 1
                return next()
            }
            if let number = Double(word) { return .number(number) }
            if word == "BI" { return readInlineImage() }
            return .keyword(word)
        }
    }

    private mutating func skipWhitespaceAndComments() {
        while index < bytes.count {
            if Self.isWhitespace(bytes[index]) {
                index += 1
            } else if bytes[index] == UInt8(ascii: "%") {
                while index < bytes.count, bytes[index] != 10, bytes[index] != 13 { index += 1 }
            } else {
                return
            }
        }
    }

    private mutating func readRegular() -> String {
        let start = index
        while index < bytes.count, !Self.isWhitespace(bytes[index]), !Self.isDelimiter(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func skipLiteralString() {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return }
            }
        }
    }

    /// BI key value ... ID <data> EI: reads the dictionary, then skips the data up to an EI that stands
    /// alone between whitespace.
    private mutating func readInlineImage() -> ContentToken {
        var entries: [String: ContentOperand] = [:]
        var pendingKey: String?
        var parser = OperandParser()
        while let token = next() {
            if case .keyword("ID") = token { break }
            if pendingKey == nil, case .name(let key) = token {
                pendingKey = key
                continue
            }
            if let operand = parser.feed(token), let key = pendingKey {
                entries[key] = operand
                pendingKey = nil
            }
        }
        index += 1  // the single whitespace after ID
        while index + 2 < bytes.count {
            if Self.isWhitespace(bytes[index]), bytes[index + 1] == UInt8(ascii: "E"), bytes[index + 2] == UInt8(ascii: "I"),
               index + 3 >= bytes.count || Self.isWhitespace(bytes[index + 3]) || Self.isDelimiter(bytes[index + 3]) {
                index += 3
                break
            }
            index += 1
        }
        return .inlineImage(entries)
    }
}

/// Builds operands (arrays and dictionaries nest) from tokens.
struct OperandParser {
    private var stack: [(isArray: Bool, items: [ContentOperand])] = []

    /// Feeds a token; returns a complete operand, or nil while inside an array or dictionary.
    mutating func feed(_ token: ContentToken) -> ContentOperand? {
        let operand: ContentOperand
        switch token {
        case .number(let value): operand = .number(value)
        case .name(let value): operand = .name(value)
        case .string: operand = .string
        case .keyword(let word): operand = .keyword(word)
        case .inlineImage: return nil
        case .arrayStart, .dictionaryStart:
            stack.append((token == .arrayStart, []))
            return nil
        case .arrayEnd, .dictionaryEnd:
            guard let (isArray, items) = stack.popLast() else { return nil }
            if isArray {
                operand = .array(items)
            } else {
                var dictionary: [String: ContentOperand] = [:]
                var iterator = items.makeIterator()
                while let key = iterator.next(), let value = iterator.next() {
                    if let name = key.name { dictionary[name] = value }
                }
                operand = .dictionary(dictionary)
            }
        }
        if stack.isEmpty { return operand }
        stack[stack.count - 1].items.append(operand)
        return nil
    }

    var isNested: Bool { !stack.isEmpty }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
