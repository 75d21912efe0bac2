import Foundation

/// Reads `RasterInfo` from the first bytes of JPEG, PNG and TIFF files without decoding pixels, so a
/// "huge declared size" costs nothing. Throws `ArtworkError.unreadable` for headers that make no sense.
public struct RasterHeaderReader: Sendable {
    public init() {}

    /// How much of a JPEG or PNG is read: their headers and Exif live near the start.
    static let headerLimit = 1 << 20

    public func read(fileAt path: String, kind: ArtworkKind) throws(ArtworkError) -> RasterInfo {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .missing(path: path) }
        // A TIFF's directory may sit anywhere, often after megabytes of pixels: libtiff finds it.
        if kind == .tiff {
            guard let info = TIFFImage.info(path: path), info.widthPx > 0, info.heightPx > 0 else {
                throw .unreadable(path: path, reason: "its TIFF header is damaged")
            }
            return info
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: Self.headerLimit)) ?? Data())
        let info: RasterInfo?
        switch kind {
        case .jpeg: info = Self.jpeg(bytes)
        case .png: info = Self.png(bytes)
        case .tiff: info = nil
        case .pdf: info = nil
        }
        guard let info, info.widthPx > 0, info.heightPx > 0 else {
            throw .unreadable(path: path, reason: "its \(kind.rawValue.uppercased()) header is damaged")
        }
        return info
    }

    // MARK: JPEG

    static func jpeg(_ bytes: [UInt8]) -> RasterInfo? {
        var index = 2
        var info: RasterInfo?
        var jfifDensity: (x: Double, y: Double)?
        var exif: (ppi: (Double, Double)?, orientation: Int)?
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { index += 1; continue }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { index += 2; continue }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            let segment = index + 4
            guard length >= 2, segment + length - 2 <= bytes.count else { break }
            switch marker {
            case 0xE0 where bytes[segment..<min(segment + 5, bytes.count)].elementsEqual(Array("JFIF\0".utf8)) && length >= 16:
                let unit = bytes[segment + 7]
                let x = Double(Int(bytes[segment + 8]) << 8 | Int(bytes[segment + 9]))
                let y = Double(Int(bytes[segment + 10]) << 8 | Int(bytes[segment + 11]))
                if unit == 1 { jfifDensity = (x, y) } else if unit == 2 { jfifDensity = (x * 2.54, y * 2.54) }
            case 0xE1 where bytes[segment..<min(segment + 6, bytes.count)].elementsEqual(Array("Exif\0\0".utf8)):
                let tiff = Array(bytes[(segment + 6)..<(segment + length - 2)])
                if let parsed = Self.tiff(tiff, base: 0) { exif = (parsed.ppi, parsed.info.orientation) }
            case 0xC0...0xCF where ![0xC4, 0xC8, 0xCC].contains(marker):
                let height = Int(bytes[segment + 1]) << 8 | Int(bytes[segment + 2])
                let width = Int(bytes[segment + 3]) << 8 | Int(bytes[segment + 4])
                let components = Int(bytes[segment + 5])
                let mode: RasterInfo.ColourMode = components == 1 ? .gray : components == 3 ? .rgb : components == 4 ? .cmyk : .unknown
                info = RasterInfo(widthPx: width, heightPx: height, colourMode: mode)
            default:
                break
            }
            if info != nil && marker >= 0xC0 && marker <= 0xCF { break }
            index = segment + length - 2
        }
        guard var result = info else { return nil }
        if let ppi = exif?.ppi ?? jfifDensity, ppi.0 > 1, ppi.1 > 1 {
            result.ppiX = ppi.0
            result.ppiY = ppi.1
        }
        result.orientation = exif?.orientation ?? 1
        return result
    }

    // MARK: PNG

    static func png(_ bytes: [UInt8]) -> RasterInfo? {
        guard bytes.count >= 33 else { return nil }
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        let width = u32(16), height = u32(20)
        let colourType = bytes[25]
        let mode: RasterInfo.ColourMode = [0: .gray, 2: .rgb, 3: .indexed, 4: .gray, 6: .rgb][colourType] ?? .unknown
        var info = RasterInfo(widthPx: width, heightPx: height, colourMode: mode, hasAlpha: colourType == 4 || colourType == 6)
        var index = 8
        while index + 12 <= bytes.count {
            let length = u32(index)
            let type = String(decoding: bytes[(index + 4)..<(index + 8)], as: UTF8.self)
            let data = index + 8
            if type == "pHYs", length == 9, data + 9 <= bytes.count, bytes[data + 8] == 1 {
                info.ppiX = Double(u32(data)) * 0.0254
                info.ppiY = Double(u32(data + 4)) * 0.0254
            } else if type == "tRNS" {
                info.hasAlpha = true
            } else if type == "IDAT" || type == "IEND" {
                break
            }
            index = data + length + 4
        }
        return info
    }

    // MARK: TIFF (and Exif, which is a TIFF structure)

    static func tiff(_ bytes: [UInt8], base: Int) -> (info: RasterInfo, ppi: (Double, Double)?)? {
        guard bytes.count >= 8 else { return nil }
        let little = bytes[0] == 0x49
        func u16(_ at: Int) -> Int {
            guard at + 2 <= bytes.count else { return 0 }
            return little ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : Int(bytes[at]) << 8 | Int(bytes[at + 1])
        }
        func u32(_ at: Int) -> Int {
            guard at + 4 <= bytes.count else { return 0 }
            return little ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
                : Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        let ifd = u32(4)
        guard ifd > 0, ifd + 2 <= bytes.count else { return nil }
        var tags: [Int: (type: Int, count: Int, valueOffset: Int)] = [:]
        for entry in 0..<min(u16(ifd), 512) {
            let at = ifd + 2 + entry * 12
            guard at + 12 <= bytes.count else { break }
            tags[u16(at)] = (u16(at + 2), u32(at + 4), at + 8)
        }
        func value(_ tag: Int) -> Int? {
            guard let entry = tags[tag] else { return nil }
            return entry.type == 3 ? u16(entry.valueOffset) : u32(entry.valueOffset)
        }
        func rational(_ tag: Int) -> Double? {
            guard let entry = tags[tag], entry.type == 5 else { return nil }
            let offset = u32(entry.valueOffset)
            let denominator = u32(offset + 4)
            return denominator > 0 ? Double(u32(offset)) / Double(denominator) : nil
        }
        let photometric = value(262) ?? -1
        let samples = value(277) ?? 1
        let mode: RasterInfo.ColourMode = [0: .gray, 1: .gray, 2: .rgb, 3: .indexed, 5: .cmyk, 6: .rgb][photometric] ?? .unknown
        var info = RasterInfo(widthPx: value(256) ?? 0, heightPx: value(257) ?? 0, colourMode: mode,
                              hasAlpha: tags[338] != nil || (mode == .rgb && samples > 3) || (mode == .cmyk && samples > 4),
                              orientation: value(274).flatMap { (1...8).contains($0) ? $0 : nil } ?? 1)
        var ppi: (Double, Double)?
        if let x = rational(282), let y = rational(283), x > 0, y > 0 {
            let unit = value(296) ?? 2
            let factor = unit == 3 ? 2.54 : unit == 2 ? 1 : 0
            if factor > 0 { ppi = (x * factor, y * factor) }
        }
        info.ppiX = ppi?.0
        info.ppiY = ppi?.1
        return (info, ppi)
    }
}
