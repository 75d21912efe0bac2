/// One token of a PDF content stream, as far as preflight needs it.
enum ContentToken: Equatable {
    case number(Double)
    case name(String)
    /// A string operand; its bytes are not needed, only its place on the stack.
    case string
    case arrayStart
    case arrayEnd
    case dictionaryStart
    case dictionaryEnd
    /// An operator (or true/false/null).
    case keyword(String)
    /// An inline image's dictionary entries (BI ... ID) with its data skipped.
    case inlineImage([String: ContentOperand])
}

/// An operand collected for an operator.
indirect enum ContentOperand: Equatable {
    case number(Double)
    case name(String)
    case string
    case array([ContentOperand])
    case dictionary([String: ContentOperand])
    case keyword(String)

    var number: Double? { if case .number(let value) = self { value } else { nil } }
    var name: String? { if case .name(let value) = self { value } else { nil } }
}
