import CTIFF
import Foundation

/// The pixels of a TIFF's first image as 8-bit samples in the colour space the file was made in: a CMYK
/// TIFF stays CMYK, grey stays grey. Only what a PDF image needs, for the print-ready PDF of a TIFF.
struct TIFFImage {
    enum ColourSpace: String { case gray = "DeviceGray", rgb = "DeviceRGB", cmyk = "DeviceCMYK" }

    var width: Int
    var height: Int
    var colourSpace: ColourSpace
    /// Interleaved, row by row from the top, one byte per sample.
    var samples: [UInt8]

    var components: Int {
        switch colourSpace {
        case .gray: 1
        case .rgb: 3
        case .cmyk: 4
        }
    }

    /// The first image's header facts, read from its directory wherever it is in the file (libtiff writes it
    /// after the pixels), without decoding pixels.
    static func info(path: String) -> RasterInfo? {
        TIFFSetWarningHandler(nil)
        TIFFSetErrorHandler(nil)
        guard let tiff = TIFFOpen(path, "r") else { return nil }
        defer { TIFFClose(tiff) }
        var width: UInt32 = 0, height: UInt32 = 0
        var samplesPerPixel: UInt16 = 1, photometric: UInt16 = 0, orientation: UInt16 = 1, unit: UInt16 = 2
        var x: Float = 0, y: Float = 0
        var extraCount: UInt16 = 0
        var extraValues: UnsafeMutablePointer<UInt16>?
        _ = hfa_tiff_get_uint32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), &width)
        _ = hfa_tiff_get_uint32(tiff, UInt32(TIFFTAG_IMAGELENGTH), &height)
        _ = hfa_tiff_get_uint16_defaulted(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), &samplesPerPixel)
        _ = hfa_tiff_get_uint16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), &photometric)
        _ = hfa_tiff_get_uint16_defaulted(tiff, UInt32(TIFFTAG_ORIENTATION), &orientation)
        _ = hfa_tiff_get_uint16_defaulted(tiff, UInt32(TIFFTAG_RESOLUTIONUNIT), &unit)
        let hasX = hfa_tiff_get_float_defaulted(tiff, UInt32(TIFFTAG_XRESOLUTION), &x) != 0
        let hasY = hfa_tiff_get_float_defaulted(tiff, UInt32(TIFFTAG_YRESOLUTION), &y) != 0
        _ = hfa_tiff_get_extra_samples(tiff, &extraCount, &extraValues)
        let mode: RasterInfo.ColourMode = [0: .gray, 1: .gray, 2: .rgb, 3: .indexed, 5: .cmyk, 6: .rgb][Int(photometric)] ?? .unknown
        // Extra samples (tag 338) are alpha in practice; the raster checks treat them so.
        var info = RasterInfo(widthPx: Int(width), heightPx: Int(height), colourMode: mode, hasAlpha: extraCount > 0,
                              orientation: (1...8).contains(Int(orientation)) ? Int(orientation) : 1)
        let factor = unit == UInt16(RESUNIT_CENTIMETER) ? 2.54 : unit == UInt16(RESUNIT_INCH) ? 1 : 0
        if hasX, hasY, x > 0, y > 0, factor > 0 {
            info.ppiX = Double(x) * factor
            info.ppiY = Double(y) * factor
        }
        return info
    }

    static func read(path: String) throws(PrintReadyError) -> TIFFImage {
        TIFFSetWarningHandler(nil)
        TIFFSetErrorHandler(nil)
        guard let tiff = TIFFOpen(path, "r") else { throw .unsupported("the TIFF cannot be opened") }
        defer { TIFFClose(tiff) }
        var width: UInt32 = 0, height: UInt32 = 0
        var bits: UInt16 = 1, samplesPerPixel: UInt16 = 1, photometric: UInt16 = 0, planar: UInt16 = 1, inkSet: UInt16 = 1
        withUnsafeMutablePointer(to: &width) { _ = hfa_tiff_get_uint32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), $0) }
        withUnsafeMutablePointer(to: &height) { _ = hfa_tiff_get_uint32(tiff, UInt32(TIFFTAG_IMAGELENGTH), $0) }
        withUnsafeMutablePointer(to: &bits) { _ = hfa_tiff_get_uint16_defaulted(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), $0) }
        withUnsafeMutablePointer(to: &samplesPerPixel) { _ = hfa_tiff_get_uint16_defaulted(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), $0) }
        withUnsafeMutablePointer(to: &photometric) { _ = hfa_tiff_get_uint16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), $0) }
        withUnsafeMutablePointer(to: &planar) { _ = hfa_tiff_get_uint16_defaulted(tiff, UInt32(TIFFTAG_PLANARCONFIG), $0) }
        withUnsafeMutablePointer(to: &inkSet) { _ = hfa_tiff_get_uint16_defaulted(tiff, UInt32(TIFFTAG_INKSET), $0) }
        guard width > 0, height > 0, UInt64(width) * UInt64(height) <= 400_000_000 else {
            throw .unsupported("the TIFF is \(width) x \(height) px; that is empty or too large to make print-ready")
        }
        let contiguous = planar == UInt16(PLANARCONFIG_CONTIG)
        // CMYK and grey at 8 bits are read as they are; everything else (RGB, palettes, YCbCr, JPEG-in-TIFF,
        // 1 and 16 bits) through libtiff's RGBA reader, which handles every variant it knows.
        if bits == 8, contiguous, photometric == UInt16(PHOTOMETRIC_SEPARATED), inkSet == UInt16(INKSET_CMYK), samplesPerPixel >= 4 {
            return try readScanlines(tiff, width: Int(width), height: Int(height), samplesPerPixel: Int(samplesPerPixel), keep: 4,
                                     colourSpace: .cmyk, invert: false)
        }
        if bits == 8, contiguous, photometric == UInt16(PHOTOMETRIC_MINISBLACK) || photometric == UInt16(PHOTOMETRIC_MINISWHITE) {
            return try readScanlines(tiff, width: Int(width), height: Int(height), samplesPerPixel: Int(samplesPerPixel), keep: 1,
                                     colourSpace: .gray, invert: photometric == UInt16(PHOTOMETRIC_MINISWHITE))
        }
        if photometric == UInt16(PHOTOMETRIC_SEPARATED) {
            throw .unsupported("the TIFF is CMYK with \(bits) bits per sample; send 8-bit CMYK, a PDF or a JPEG")
        }
        var pixels = [UInt32](repeating: 0, count: Int(width) * Int(height))
        let read = pixels.withUnsafeMutableBufferPointer {
            TIFFReadRGBAImageOriented(tiff, width, height, $0.baseAddress, Int32(ORIENTATION_TOPLEFT), 0)
        }
        guard read != 0 else { throw .unsupported("the TIFF's pixels cannot be decoded") }
        var samples = [UInt8](repeating: 0, count: pixels.count * 3)
        for (index, pixel) in pixels.enumerated() {
            // ABGR in memory order R, G, B, A (TIFFGetR/G/B).
            samples[index * 3] = UInt8(pixel & 0xFF)
            samples[index * 3 + 1] = UInt8((pixel >> 8) & 0xFF)
            samples[index * 3 + 2] = UInt8((pixel >> 16) & 0xFF)
        }
        return TIFFImage(width: Int(width), height: Int(height), colourSpace: .rgb, samples: samples)
    }

    /// Decoded rows as stored, keeping the first `keep` samples of each pixel (extra samples such as alpha
    /// are dropped: print has no transparency in a flat image).
    private static func readScanlines(_ tiff: OpaquePointer, width: Int, height: Int, samplesPerPixel: Int, keep: Int,
                                      colourSpace: ColourSpace, invert: Bool) throws(PrintReadyError) -> TIFFImage {
        let rowBytes = Int(TIFFScanlineSize64(tiff))
        guard rowBytes >= width * samplesPerPixel else { throw .unsupported("the TIFF's rows are shorter than its width") }
        var row = [UInt8](repeating: 0, count: rowBytes)
        var samples = [UInt8](repeating: 0, count: width * height * keep)
        for y in 0..<height {
            let status = row.withUnsafeMutableBytes { TIFFReadScanline(tiff, $0.baseAddress, UInt32(y), 0) }
            guard status >= 0 else { throw .unsupported("the TIFF's row \(y + 1) cannot be decoded") }
            let base = y * width * keep
            for x in 0..<width {
                for sample in 0..<keep {
                    let value = row[x * samplesPerPixel + sample]
                    samples[base + x * keep + sample] = invert ? 255 - value : value
                }
            }
        }
        return TIFFImage(width: width, height: height, colourSpace: colourSpace, samples: samples)
    }
}
