import Foundation

/// Artwork built to hurt: files that are damaged, or valid but designed to exhaust memory or time. Each must
/// end as a job with a reason, never take the agent down.
public enum HostileFiles {
    /// A hand-written PDF from numbered objects (1 is the catalog), with a correct cross-reference table.
    public static func pdf(objects: [Data]) -> Data {
        var data = Data("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(data.count)
            data.append(Data("\(index + 1) 0 obj\n".utf8))
            data.append(object)
            data.append(Data("\nendobj\n".utf8))
        }
        let xref = data.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        data.append(Data(table.utf8))
        return data
    }

    static func stream(_ dictionary: String, _ body: Data) -> Data {
        var data = Data("<< \(dictionary) /Length \(body.count) >>\nstream\n".utf8)
        data.append(body)
        data.append(Data("\nendstream".utf8))
        return data
    }

    static func onePage(widthPt: Double, heightPt: Double, resources: String, content: Data, filter: String = "",
                        extra: [Data] = []) -> Data {
        pdf(objects: [
            Data("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Data("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
            Data("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(widthPt) \(heightPt)] /Resources \(resources) /Contents 4 0 R >>".utf8),
            stream(filter, content),
        ] + extra)
    }

    /// A page whose content stream claims Flate compression but holds bytes that do not inflate.
    public static func undecodableContent() -> Data {
        onePage(widthPt: 255, heightPt: 170, resources: "<< >>", content: Data("0 0 0 1 k 0 0 255 170 re f".utf8.map { $0 ^ 0x5A }),
                filter: "/Filter /FlateDecode")
    }

    /// `data` with its startxref pointing into the middle of the file, as after a copy that broke off and
    /// was restarted: readers must rebuild the cross-reference table.
    public static func brokenCrossReference(_ data: Data) -> Data {
        var text = data
        guard let range = text.range(of: Data("startxref\n".utf8), options: .backwards) else { return data }
        let end = text[range.upperBound...].firstIndex(of: UInt8(ascii: "\n")) ?? text.endIndex
        text.replaceSubrange(range.upperBound..<end, with: Data("17".utf8))
        return text
    }

    /// A 200 x 200 inch page filled by one image declared at 480,000 x 480,000 pixels (2,400 ppi), whose
    /// data stops after a few bytes: 230 GB if anything tried to hold it.
    public static func giantPageAtHighResolution() -> Data {
        onePage(widthPt: 14_400, heightPt: 14_400, resources: "<< /XObject << /Im1 5 0 R >> >>",
                content: Data("q 14400 0 0 14400 0 0 cm /Im1 Do Q".utf8),
                extra: [stream("/Type /XObject /Subtype /Image /Width 480000 /Height 480000 /ColorSpace /DeviceGray /BitsPerComponent 8",
                               Data(repeating: 0x80, count: 4096))])
    }

    /// Form XObjects nested `depth` deep, each drawing the next, the last pointing back at the first.
    public static func deeplyNestedForms(depth: Int = 3_000) -> Data {
        var forms: [Data] = []
        for level in 0..<depth {
            let next = level + 1 < depth ? level + 6 : 5  // object numbers: forms start at 5; the last loops back
            forms.append(stream("/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /F \(next) 0 R >> >>",
                                Data("0.99 0 0 0.99 0.5 0.5 cm 0 0 100 100 re S /F Do".utf8)))
        }
        return onePage(widthPt: 255, heightPt: 170, resources: "<< /XObject << /F 5 0 R >> >>", content: Data("/F Do".utf8), extra: forms)
    }

    /// A content stream that inflates to `inflatedBytes` of path operators from a small compressed stream:
    /// built with Python's zlib, chunk by chunk, so the test never holds the inflated text.
    public static func decompressionBomb(inflatedBytes: Int = 1 << 30) throws -> Data {
        let script = """
            import sys, zlib
            total = int(sys.argv[1]); chunk = (b"0 0 m 1 1 l " * 1400)[:16384]
            z = zlib.compressobj(9); out = sys.stdout.buffer; written = 0
            while written < total:
                out.write(z.compress(chunk)); written += len(chunk)
            out.write(z.flush())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(inflatedBytes)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let compressed = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return pdf(objects: [
            Data("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Data("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
            Data("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 255 170] /Contents 4 0 R >>".utf8),
            stream("/Filter /FlateDecode", compressed),
        ])
    }

    /// A baseline JPEG whose frame header declares 65,000 x 65,000 pixels (12 GB of RGB) and then ends.
    public static func jpegWithHugeDeclaredSize() -> Data {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += [0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x01, 0x2C, 0x01, 0x2C, 0x00, 0x00]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFD, 0xE8, 0xFD, 0xE8, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
        bytes += [0xFF, 0xD9]
        return Data(bytes)
    }

    /// `data` cut off at `fraction` of its length.
    public static func truncated(_ data: Data, at fraction: Double) -> Data {
        data.prefix(max(1, Int(Double(data.count) * fraction)))
    }

    /// `data` with `count` bytes past the header replaced by random values.
    public static func flipped(_ data: Data, bytes count: Int, using generator: inout some RandomNumberGenerator) -> Data {
        var copy = data
        for _ in 0..<count {
            let index = Int.random(in: 16..<copy.count, using: &generator)
            copy[copy.startIndex + index] = UInt8.random(in: 0...255, using: &generator)
        }
        return copy
    }
}
