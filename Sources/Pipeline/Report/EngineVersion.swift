import CPoppler
import CQPDF

/// Versions of what produced a report, so a changed result can be traced to an upgrade.
public enum EngineVersion {
    public static let agent = "0.1.0"
    public static var poppler: String { poppler_get_version().map { String(cString: $0) } ?? "unknown" }
    public static var qpdf: String { qpdf_get_qpdf_version().map { String(cString: $0) } ?? "unknown" }
}
