/// A colour space as preflight distinguishes them.
enum ColourSpace: Hashable, Sendable {
    case gray
    case rgb
    case cmyk
    /// ICC-based with 1, 3 or 4 components.
    case iccBased(components: Int)
    case lab
    case separation(String)
    case deviceN([String])
    case indexed(base: Box)
    case pattern
    case unknown(String)

    /// Indirection so the enum can nest (Indexed of ICCBased).
    struct Box: Hashable, Sendable {
        let space: [ColourSpace]
        init(_ space: ColourSpace) { self.space = [space] }
        var value: ColourSpace { space[0] }
    }

    /// RGB in any of its forms: DeviceRGB, CalRGB, ICCBased with three components, or indexed over one.
    var isRGB: Bool {
        switch self {
        case .rgb, .iccBased(components: 3): true
        case .indexed(let base): base.value.isRGB
        default: false
        }
    }

    var isICC: Bool {
        switch self {
        case .iccBased: true
        case .indexed(let base): base.value.isICC
        default: false
        }
    }

    var isGray: Bool {
        switch self {
        case .gray, .iccBased(components: 1): true
        case .indexed(let base): base.value.isGray
        default: false
        }
    }

    /// Names as pdfimages and operators know them.
    var description: String {
        switch self {
        case .gray: "DeviceGray"
        case .rgb: "DeviceRGB"
        case .cmyk: "DeviceCMYK"
        case .iccBased(let components): "ICCBased " + (components == 1 ? "Gray" : components == 3 ? "RGB" : components == 4 ? "CMYK" : "\(components)")
        case .lab: "Lab"
        case .separation(let name): "Separation \(name)"
        case .deviceN(let names): "DeviceN \(names.joined(separator: ", "))"
        case .indexed(let base): "Indexed \(base.value.description)"
        case .pattern: "Pattern"
        case .unknown(let name): name
        }
    }
}
