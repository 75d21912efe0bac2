import CLCMS
import Foundation

/// A CMYK output profile: the printing condition colour is converted for and that a PDF/X output intent
/// names. LittleCMS reads it; the checks here are the ones a RIP would make before trusting it.
public struct OutputProfile: Sendable, Hashable {
    /// The ICC data as it is in the file, embedded as it is in output intents.
    public let data: Data
    /// The profile's own description ("Coated FOGRA39 (ISO 12647-2:2004)").
    public let name: String

    /// Ghostscript's CMYK output profile (Debian libgs-common): freely licensed, always there with the
    /// agent's packages, and what `color.cmyk` uses when neither the file nor the folder names one.
    public static let defaultPath = "/usr/share/color/icc/ghostscript/default_cmyk.icc"

    /// Reads and checks the profile at `path`; the error says in words why it cannot be used.
    public init(path: String) throws(FixUpError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badProfile("the colour profile \((path as NSString).lastPathComponent) cannot be read")
        }
        try self.init(data: data, fileName: (path as NSString).lastPathComponent)
    }

    public init(data: Data, fileName: String) throws(FixUpError) {
        let handle = data.withUnsafeBytes { cmsOpenProfileFromMem($0.baseAddress, cmsUInt32Number($0.count)) }
        guard let handle else { throw .badProfile("\(fileName) is not an ICC colour profile") }
        defer { cmsCloseProfile(handle) }
        guard cmsGetColorSpace(handle) == cmsSigCmykData else {
            throw .badProfile("\(fileName) is not a CMYK profile; colour for print needs a CMYK output profile")
        }
        guard cmsGetDeviceClass(handle) == cmsSigOutputClass else {
            throw .badProfile("\(fileName) is a CMYK profile but not an output (printer) profile")
        }
        self.data = data
        var buffer = [CChar](repeating: 0, count: 256)
        let length = cmsGetProfileInfoASCII(handle, cmsInfoDescription, "en", "US", &buffer, cmsUInt32Number(buffer.count))
        let description = length > 0 ? String(cString: buffer) : ""
        self.name = description.isEmpty ? fileName : description
    }
}
