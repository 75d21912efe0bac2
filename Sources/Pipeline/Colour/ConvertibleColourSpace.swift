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
    static func named(_ name: String, resources: QPDFObject?, cache: ColourSpaceCache? = nil) -> ConvertibleColourSpace {
        switch name {
        case "DeviceRGB", "RGB": return .source(.sRGB)
        case "DeviceGray", "G", "DeviceCMYK", "CMYK": return .keep
        case "Pattern": return .pattern
        default: return resolve(resources?["ColorSpace"]?[name], resources: resources, cache: cache)
        }
    }

    static func resolve(_ object: QPDFObject?, resources: QPDFObject?, cache: ColourSpaceCache? = nil, depth: Int = 0) -> ConvertibleColourSpace {
        guard let object, depth < 4 else { return .keep }
        if let name = object.name { return depth == 0 ? named(name, resources: resources, cache: cache) : named(name, resources: nil) }
        let items = object.items
        guard let family = items.first?.name else { return .keep }
        switch family {
        case "ICCBased":
            guard let stream = items[safe: 1], stream["N"]?.number == 3 else { return .keep }
            if let known = cache?.profiles[stream.objectID], stream.objectID != 0 { return .source(.icc(known)) }
            guard let data = stream.streamData() else { return .keep }
            let profile = EmbeddedProfile(data)
            if stream.objectID != 0 { cache?.profiles[stream.objectID] = profile }
            return .source(.icc(profile))
        case "CalRGB":
            let parameters = items[safe: 1]
            return .source(.calRGB(whitePoint: parameters?["WhitePoint"]?.numbers ?? [0.9505, 1, 1.089],
                                   gamma: parameters?["Gamma"]?.numbers ?? [1, 1, 1],
                                   matrix: parameters?["Matrix"]?.numbers ?? [1, 0, 0, 0, 1, 0, 0, 0, 1]))
        case "Lab":
            return .source(.lab(whitePoint: items[safe: 1]?["WhitePoint"]?.numbers ?? [0.9505, 1, 1.089]))
        case "Indexed", "I":
            guard case .source(let base) = resolve(items[safe: 1], resources: resources, cache: cache, depth: depth + 1),
                  let highest = items[safe: 2]?.number, let lookup = items[safe: 3] else { return .keep }
            return .indexed(base: base, highest: Int(highest), lookup: lookup)
        case "Pattern": return .pattern
        default: return .keep
        }
    }
}

/// The embedded profiles of one file, read once each.
final class ColourSpaceCache {
    var profiles: [Int: EmbeddedProfile] = [:]
}

/// Evaluates the PDF functions shadings colour with (types 0, 2 and 3, one input), so that a shading's
/// colours can be converted by sampling them. Read from the file once; type 4 (PostScript calculator) is
/// not evaluated: such a shading is left as it is.
struct ShadingFunction {
    private indirect enum Function {
        case exponential(domain: [Double], range: [Double]?, c0: [Double], c1: [Double], n: Double)
        case stitching(domain: [Double], range: [Double]?, parts: [Function], bounds: [Double], encode: [Double])
        case sampled(domain: [Double], range: [Double], encode: [Double], decode: [Double], count: Int, bits: Int, samples: [UInt8])
    }

    private let functions: [Function]
    let domain: (Double, Double)

    /// The function (or one per output component) of a shading; nil when one of them cannot be evaluated.
    init?(_ object: QPDFObject?) {
        guard let object else { return nil }
        let objects = object.isArray ? object.items : [object]
        var parsed: [Function] = []
        for item in objects {
            guard let function = Self.parse(item, depth: 0) else { return nil }
            parsed.append(function)
        }
        guard !parsed.isEmpty else { return nil }
        functions = parsed
        let values = objects[0]["Domain"]?.numbers ?? [0, 1]
        domain = (values[safe: 0] ?? 0, values[safe: 1] ?? 1)
    }

    private static func parse(_ object: QPDFObject, depth: Int) -> Function? {
        guard depth < 8, let type = object["FunctionType"]?.number else { return nil }
        let domain = object["Domain"]?.numbers ?? [0, 1]
        let range = object["Range"]?.numbers
        switch Int(type) {
        case 2:
            return .exponential(domain: domain, range: range, c0: object["C0"]?.numbers ?? [0], c1: object["C1"]?.numbers ?? [1],
                                n: object["N"]?.number ?? 1)
        case 3:
            var parts: [Function] = []
            for item in object["Functions"]?.items ?? [] {
                guard let part = parse(item, depth: depth + 1) else { return nil }
                parts.append(part)
            }
            let encode = object["Encode"]?.numbers ?? []
            guard !parts.isEmpty, encode.count >= parts.count * 2 else { return nil }
            return .stitching(domain: domain, range: range, parts: parts, bounds: object["Bounds"]?.numbers ?? [], encode: encode)
        case 0:
            guard let size = object["Size"]?.numbers?.first, size >= 1, let bits = object["BitsPerSample"]?.number,
                  [8, 16].contains(Int(bits)), let range, range.count >= 2, let data = object.streamData() else { return nil }
            let count = Int(size)
            guard data.count >= count * (range.count / 2) * Int(bits) / 8 else { return nil }
            return .sampled(domain: domain, range: range, encode: object["Encode"]?.numbers ?? [0, Double(count - 1)],
                            decode: object["Decode"]?.numbers ?? range, count: count, bits: Int(bits), samples: [UInt8](data))
        default:
            return nil
        }
    }

    /// The outputs at `t`.
    func evaluate(_ t: Double) -> [Double]? {
        var outputs: [Double] = []
        for function in functions { outputs += Self.evaluate(function, t) }
        return outputs
    }

    private static func evaluate(_ function: Function, _ input: Double) -> [Double] {
        switch function {
        case .exponential(let domain, let range, let c0, let c1, let n):
            let x = pow(clamp(input, domain), n)
            return clip(zip(c0, c1).map { $0 + x * ($1 - $0) }, to: range)
        case .stitching(let domain, let range, let parts, let bounds, let encode):
            let t = clamp(input, domain)
            let (low, high) = (domain[safe: 0] ?? 0, domain[safe: 1] ?? 1)
            let index = min(bounds.firstIndex { t < $0 } ?? bounds.count, parts.count - 1)
            let start = index == 0 ? low : bounds[index - 1]
            let end = index < bounds.count ? bounds[index] : high
            let (e0, e1) = (encode[2 * index], encode[2 * index + 1])
            let mapped = end > start ? e0 + (t - start) * (e1 - e0) / (end - start) : e0
            return clip(evaluate(parts[index], mapped), to: range)
        case .sampled(let domain, let range, let encode, let decode, let count, let bits, let samples):
            let t = clamp(input, domain)
            let outputs = range.count / 2, bytes = bits / 8
            let (d0, d1) = (domain[safe: 0] ?? 0, domain[safe: 1] ?? 1)
            let position = d1 > d0 ? encode[0] + (t - d0) * (encode[1] - encode[0]) / (d1 - d0) : encode[0]
            let clamped = min(max(position, 0), Double(count - 1))
            let i0 = Int(clamped.rounded(.down)), i1 = min(Int(clamped.rounded(.down)) + 1, count - 1)
            let fraction = clamped - Double(i0)
            let maximum = Double((1 << bits) - 1)
            func sample(_ index: Int, _ output: Int) -> Double {
                let offset = (index * outputs + output) * bytes
                let raw = bytes == 1 ? Double(samples[offset]) : Double(Int(samples[offset]) << 8 | Int(samples[offset + 1]))
                return decode[2 * output] + raw / maximum * (decode[2 * output + 1] - decode[2 * output])
            }
            return clip((0..<outputs).map { sample(i0, $0) * (1 - fraction) + sample(i1, $0) * fraction }, to: range)
        }
    }

    private static func clamp(_ value: Double, _ domain: [Double]) -> Double {
        min(max(value, domain[safe: 0] ?? 0), domain[safe: 1] ?? 1)
    }

    private static func clip(_ values: [Double], to range: [Double]?) -> [Double] {
        guard let range, range.count >= values.count * 2 else { return values }
        return values.enumerated().map { min(max($0.element, range[2 * $0.offset]), range[2 * $0.offset + 1]) }
    }
}
