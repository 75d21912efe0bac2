import Foundation

/// What the colour conversion makes of a colour space: a source it converts from, an indexed space whose
/// palette it converts, or one it leaves alone (gray, CMYK, spot colours, DeviceN, patterns).
enum ConvertibleColourSpace {
    case source(ColourConverter.Source)
    /// Indexed over a convertible base: only the palette changes, the image data stays as it is.
    case indexed(base: ColourConverter.Source, highest: Int, lookup: QPDFObject)
    case pattern
    case keep

    /// A colour space given by name (content's `cs` operand, resolved in `resources`) or as an object.
    static func named(_ name: String, resources: QPDFObject?) -> ConvertibleColourSpace {
        switch name {
        case "DeviceRGB", "RGB": return .source(.sRGB)
        case "DeviceGray", "G", "DeviceCMYK", "CMYK": return .keep
        case "Pattern": return .pattern
        default: return resolve(resources?["ColorSpace"]?[name], resources: resources)
        }
    }

    static func resolve(_ object: QPDFObject?, resources: QPDFObject?, depth: Int = 0) -> ConvertibleColourSpace {
        guard let object, depth < 4 else { return .keep }
        if let name = object.name { return depth == 0 ? named(name, resources: resources) : named(name, resources: nil) }
        let items = object.items
        guard let family = items.first?.name else { return .keep }
        switch family {
        case "ICCBased":
            guard let stream = items[safe: 1], stream["N"]?.number == 3, let data = stream.streamData() else { return .keep }
            return .source(.icc(data))
        case "CalRGB":
            let parameters = items[safe: 1]
            return .source(.calRGB(whitePoint: parameters?["WhitePoint"]?.numbers ?? [0.9505, 1, 1.089],
                                   gamma: parameters?["Gamma"]?.numbers ?? [1, 1, 1],
                                   matrix: parameters?["Matrix"]?.numbers ?? [1, 0, 0, 0, 1, 0, 0, 0, 1]))
        case "Lab":
            return .source(.lab(whitePoint: items[safe: 1]?["WhitePoint"]?.numbers ?? [0.9505, 1, 1.089]))
        case "Indexed", "I":
            guard case .source(let base) = resolve(items[safe: 1], resources: resources, depth: depth + 1),
                  let highest = items[safe: 2]?.number, let lookup = items[safe: 3] else { return .keep }
            return .indexed(base: base, highest: Int(highest), lookup: lookup)
        case "Pattern": return .pattern
        default: return .keep
        }
    }
}

/// Evaluates the PDF functions shadings colour with (types 0, 2 and 3, one input), so that a shading's
/// colours can be converted by sampling them. Type 4 (PostScript calculator) is not evaluated: such a
/// shading is left as it is.
struct ShadingFunction {
    let functions: [QPDFObject]

    /// The function (or one per output component) of a shading.
    init?(_ object: QPDFObject?) {
        guard let object else { return nil }
        functions = object.isArray ? object.items : [object]
        guard !functions.isEmpty else { return nil }
    }

    var domain: (Double, Double) {
        let values = functions[0]["Domain"]?.numbers ?? [0, 1]
        return (values[safe: 0] ?? 0, values[safe: 1] ?? 1)
    }

    /// The outputs at `t`, nil when a function cannot be evaluated.
    func evaluate(_ t: Double) -> [Double]? {
        var outputs: [Double] = []
        for function in functions {
            guard let values = Self.evaluate(function, t, depth: 0) else { return nil }
            outputs += values
        }
        return outputs
    }

    private static func evaluate(_ function: QPDFObject, _ input: Double, depth: Int) -> [Double]? {
        guard depth < 8, let type = function["FunctionType"]?.number else { return nil }
        let domain = function["Domain"]?.numbers ?? [0, 1]
        let t = min(max(input, domain[safe: 0] ?? 0), domain[safe: 1] ?? 1)
        var result: [Double]?
        switch Int(type) {
        case 2:
            let c0 = function["C0"]?.numbers ?? [0], c1 = function["C1"]?.numbers ?? [1]
            let n = function["N"]?.number ?? 1
            let x = pow(t, n)
            result = zip(c0, c1).map { $0 + x * ($1 - $0) }
        case 3:
            let parts = function["Functions"]?.items ?? []
            let bounds = function["Bounds"]?.numbers ?? []
            let encode = function["Encode"]?.numbers ?? []
            guard !parts.isEmpty, encode.count >= parts.count * 2 else { return nil }
            let (low, high) = (domain[safe: 0] ?? 0, domain[safe: 1] ?? 1)
            var index = bounds.firstIndex { t < $0 } ?? bounds.count
            index = min(index, parts.count - 1)
            let start = index == 0 ? low : bounds[index - 1]
            let end = index < bounds.count ? bounds[index] : high
            let (e0, e1) = (encode[2 * index], encode[2 * index + 1])
            let mapped = end > start ? e0 + (t - start) * (e1 - e0) / (end - start) : e0
            result = evaluate(parts[index], mapped, depth: depth + 1)
        case 0:
            result = sampled(function, t, domain: domain)
        default:
            return nil
        }
        guard var values = result else { return nil }
        if let range = function["Range"]?.numbers, range.count >= values.count * 2 {
            values = values.enumerated().map { min(max($0.element, range[2 * $0.offset]), range[2 * $0.offset + 1]) }
        }
        return values
    }

    /// A one-input sampled function, interpolated linearly between samples.
    private static func sampled(_ function: QPDFObject, _ t: Double, domain: [Double]) -> [Double]? {
        guard let size = function["Size"]?.numbers?.first, size >= 1, let bits = function["BitsPerSample"]?.number,
              [8, 16].contains(Int(bits)), let range = function["Range"]?.numbers, range.count >= 2,
              let data = function.streamData() else { return nil }
        let outputs = range.count / 2
        let count = Int(size), bytes = Int(bits) / 8
        guard data.count >= count * outputs * bytes else { return nil }
        let samples = [UInt8](data)
        let encode = function["Encode"]?.numbers ?? [0, Double(count - 1)]
        let decode = function["Decode"]?.numbers ?? range
        let (d0, d1) = (domain[safe: 0] ?? 0, domain[safe: 1] ?? 1)
        let position = d1 > d0 ? encode[0] + (t - d0) * (encode[1] - encode[0]) / (d1 - d0) : encode[0]
        let clamped = min(max(position, 0), Double(count - 1))
        let (i0, i1) = (Int(clamped.rounded(.down)), min(Int(clamped.rounded(.down)) + 1, count - 1))
        let fraction = clamped - Double(i0)
        let maximum = Double((1 << Int(bits)) - 1)
        func sample(_ index: Int, _ output: Int) -> Double {
            let offset = (index * outputs + output) * bytes
            let raw = bytes == 1 ? Double(samples[offset]) : Double(Int(samples[offset]) << 8 | Int(samples[offset + 1]))
            return decode[2 * output] + raw / maximum * (decode[2 * output + 1] - decode[2 * output])
        }
        return (0..<outputs).map { sample(i0, $0) * (1 - fraction) + sample(i1, $0) * fraction }
    }
}
