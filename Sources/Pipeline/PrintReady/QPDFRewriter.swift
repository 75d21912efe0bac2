import CQPDF
import Foundation

/// Rewrites a PDF with qpdf: content streams, fonts, images and colour spaces pass through untouched.
/// Owns the qpdf handle for one rewrite; the print-ready issue adds the box changes between read and write.
public struct QPDFRewriter: Sendable {
    public init() {}

    public func rewrite(pdfAt input: String, to output: String) throws(PrintReadyError) {
        var handle: qpdf_data? = qpdf_init()
        defer { qpdf_cleanup(&handle) }
        qpdf_set_suppress_warnings(handle, QPDF_TRUE)
        if qpdf_read(handle, input, nil) & QPDF_ERRORS != 0 {
            throw .qpdf(stage: "read", message: lastError(handle))
        }
        if qpdf_init_write(handle, output) & QPDF_ERRORS != 0 {
            throw .qpdf(stage: "write", message: lastError(handle))
        }
        qpdf_set_object_stream_mode(handle, qpdf_o_generate)
        qpdf_set_compress_streams(handle, QPDF_TRUE)
        if qpdf_write(handle) & QPDF_ERRORS != 0 {
            throw .qpdf(stage: "write", message: lastError(handle))
        }
    }

    private func lastError(_ handle: qpdf_data?) -> String {
        // qpdf_get_error hands the error over once.
        guard qpdf_has_error(handle) != 0, let error = qpdf_get_error(handle),
              let text = qpdf_get_error_full_text(handle, error) else { return "unknown qpdf error" }
        return String(cString: text)
    }
}

public enum PrintReadyError: Error, Sendable, CustomStringConvertible {
    case qpdf(stage: String, message: String)

    public var description: String {
        switch self {
        case .qpdf(let stage, let message): "qpdf could not \(stage) the PDF: \(message)"
        }
    }
}
