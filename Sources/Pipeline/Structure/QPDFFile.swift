import CQPDF
import Foundation

/// A PDF opened with qpdf for reading its object structure: boxes, resources, Info, output intents.
/// Owns the `qpdf_data` handle; object handles never leave the Pipeline module.
///
/// Not thread-safe (qpdf is not): one instance per thread, in practice one per worker process.
final class QPDFFile {
    fileprivate let data: qpdf_data?

    /// Opens `path`. An encrypted file opens when it has no user password (permissions only).
    init(path: String) throws(ArtworkError) {
        data = qpdf_init()
        qpdf_silence_errors(data)
        qpdf_set_suppress_warnings(data, QPDF_TRUE)
        if qpdf_read(data, path, nil) & QPDF_ERRORS != 0 {
            // qpdf_get_error hands the error over once; read code and message from that one handle.
            let error = qpdf_has_error(data) != 0 ? qpdf_get_error(data) : nil
            let code = error.map { qpdf_get_error_code(data, $0) } ?? qpdf_e_damaged_pdf
            let message = error.flatMap { qpdf_get_error_message_detail(data, $0) }.map { String(cString: $0) } ?? "damaged"
            // All stored properties are set, so deinit runs after this throw and frees the handle.
            if code == qpdf_e_password { throw .encrypted(path: path) }
            if code == qpdf_e_system && !FileManager.default.fileExists(atPath: path) { throw .missing(path: path) }
            throw .unreadable(path: path, reason: message)
        }
    }

    deinit {
        var handle = data
        qpdf_cleanup(&handle)
    }

    /// "1.4", "1.7", with the extension level as qpdf reads it from the header.
    var version: String { qpdf_get_pdf_version(data).map { String(cString: $0) } ?? "" }
    var isEncrypted: Bool { qpdf_is_encrypted(data) != 0 }
    /// -1 when the page tree is broken (loops, missing kids).
    var pageCount: Int {
        let count = Int(qpdf_get_num_pages(data))
        if count < 0 { discardError() }
        return count
    }

    var root: QPDFObject { QPDFObject(file: self, handle: qpdf_get_root(data)) }
    var trailer: QPDFObject { QPDFObject(file: self, handle: qpdf_get_trailer(data)) }

    func page(at index: Int) -> QPDFObject { QPDFObject(file: self, handle: qpdf_get_page_n(data, Int(index))) }

    /// Takes a pending error off the handle: qpdf prints "application did not handle error" for one left.
    func discardError() {
        if qpdf_has_error(data) != 0 { _ = qpdf_get_error(data) }
    }

    /// What qpdf had to work around since the last call: xref repairs on opening, streams it could not decode
    /// while they were read. Each is handed out once.
    func takeWarnings() -> [String] {
        var warnings: [String] = []
        while qpdf_more_warnings(data) != 0 {
            let warning = qpdf_next_warning(data)
            if let detail = qpdf_get_error_message_detail(data, warning) { warnings.append(String(cString: detail)) }
        }
        return warnings
    }
}

/// One object of a `QPDFFile`, read-only. Valid while its file is alive (it keeps the file alive).
struct QPDFObject {
    let file: QPDFFile
    fileprivate let handle: qpdf_oh

    private var data: qpdf_data? { file.data }

    var isNull: Bool { qpdf_oh_is_null(data, handle) != 0 || qpdf_oh_is_initialized(data, handle) == 0 }
    var isDictionary: Bool { qpdf_oh_is_dictionary(data, handle) != 0 }
    var isArray: Bool { qpdf_oh_is_array(data, handle) != 0 }
    var isStream: Bool { qpdf_oh_is_stream(data, handle) != 0 }
    var isName: Bool { qpdf_oh_is_name(data, handle) != 0 }
    var isNumber: Bool { qpdf_oh_is_number(data, handle) != 0 }
    var isString: Bool { qpdf_oh_is_string(data, handle) != 0 }
    var isBool: Bool { qpdf_oh_is_bool(data, handle) != 0 }
    /// The object number, 0 for direct objects; identifies shared resources during a walk.
    var objectID: Int { Int(qpdf_oh_get_object_id(data, handle)) }

    /// The value of `key` ("/MediaBox" or "MediaBox") in a dictionary or a stream's dictionary; nil when absent.
    subscript(key: String) -> QPDFObject? {
        let name = key.hasPrefix("/") ? key : "/" + key
        let dictionary = self.dictionary
        guard dictionary.isDictionary, qpdf_oh_has_key(data, dictionary.handle, name) != 0 else { return nil }
        let value = QPDFObject(file: file, handle: qpdf_oh_get_key(data, dictionary.handle, name))
        return value.isNull ? nil : value
    }

    /// The value of `key` on this page or its nearest /Pages ancestor (how PDF inherits MediaBox, CropBox,
    /// Rotate and Resources). The walk stops after 64 levels: a looping page tree must not hang it.
    func inherited(_ key: String) -> QPDFObject? {
        var node: QPDFObject? = self
        var depth = 0
        while let current = node, depth < 64 {
            if let value = current[key] { return value }
            node = current["Parent"]
            depth += 1
        }
        return nil
    }

    /// A stream's dictionary, or the object itself (key lookups and edits on a stream go through its dictionary).
    fileprivate var dictionary: QPDFObject {
        isStream ? QPDFObject(file: file, handle: qpdf_oh_get_dict(data, handle)) : self
    }

    var keys: [String] {
        let dictionary = self.dictionary
        guard dictionary.isDictionary else { return [] }
        var keys: [String] = []
        qpdf_oh_begin_dict_key_iter(data, dictionary.handle)
        while qpdf_oh_dict_more_keys(data) != 0 {
            if let key = qpdf_oh_dict_next_key(data) { keys.append(String(String(cString: key).dropFirst())) }
        }
        return keys
    }

    var items: [QPDFObject] {
        guard isArray else { return [] }
        return (0..<Int(qpdf_oh_get_array_n_items(data, handle))).map {
            QPDFObject(file: file, handle: qpdf_oh_get_array_item(data, handle, Int32($0)))
        }
    }

    var number: Double? { isNumber ? qpdf_oh_get_numeric_value(data, handle) : nil }
    /// A name without its slash: "DeviceRGB".
    var name: String? { isName ? qpdf_oh_get_name(data, handle).map { String(String(cString: $0).dropFirst()) } : nil }
    /// A text string decoded as PDF text (PDFDocEncoding or UTF-16) to UTF-8.
    var text: String? { isString ? qpdf_oh_get_utf8_value(data, handle).map { String(cString: $0) } : nil }
    var bool: Bool? { isBool ? qpdf_oh_get_bool_value(data, handle) != 0 : nil }

    /// The numbers of an array of numbers, nil when it is not one.
    var numbers: [Double]? {
        guard isArray else { return nil }
        let values = items.map(\.number)
        return values.contains(where: { $0 == nil }) ? nil : values.compactMap { $0 }
    }

    /// The decoded stream data (general-purpose filters undone), nil when it cannot be decoded.
    func streamData() -> Data? {
        guard isStream else { return nil }
        var filtered: QPDF_BOOL = QPDF_FALSE
        var buffer: UnsafeMutablePointer<UInt8>?
        var length = 0
        // QPDF_WARNINGS still delivers the data; only QPDF_ERRORS means there is none.
        guard qpdf_oh_get_stream_data(data, handle, qpdf_dl_generalized, &filtered, &buffer, &length) & QPDF_ERRORS == 0,
              let buffer else {
            file.discardError()
            return nil
        }
        defer { free(buffer) }
        return Data(bytes: buffer, count: length)
    }

    /// A page's content streams, concatenated and decoded.
    func pageContent() -> Data? {
        var buffer: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard qpdf_oh_get_page_content_data(data, handle, &buffer, &length) & QPDF_ERRORS == 0, let buffer else {
            file.discardError()
            return nil
        }
        defer { free(buffer) }
        return Data(bytes: buffer, count: length)
    }
}

// MARK: Editing (print-ready): page dictionaries and added content only; existing streams stay as they are.

extension QPDFObject {
    /// Sets `key` of this dictionary (or stream dictionary) to a rectangle.
    func setBox(_ key: String, to rect: PDFRect) {
        let array = qpdf_oh_new_array(file.data)
        for value in [rect.x0, rect.y0, rect.x1, rect.y1] {
            qpdf_oh_append_item(file.data, array, qpdf_oh_new_real_from_double(file.data, (value * 1000).rounded() / 1000, 3))
        }
        qpdf_oh_replace_key(file.data, dictionary.handle, "/" + key, array)
    }

    func setInteger(_ key: String, to value: Int) {
        qpdf_oh_replace_key(file.data, dictionary.handle, "/" + key, qpdf_oh_new_integer(file.data, Int64(value)))
    }

    func removeKey(_ key: String) {
        qpdf_oh_remove_key(file.data, dictionary.handle, "/" + key)
    }

    /// Adds `item` at the end of this array (an object of the same file).
    func append(_ item: QPDFObject) {
        guard isArray else { return }
        qpdf_oh_append_item(file.data, handle, item.handle)
    }

    /// Sets `key` to `object` (an object of the same file).
    func set(_ key: String, to object: QPDFObject) {
        qpdf_oh_replace_key(file.data, dictionary.handle, "/" + key, object.handle)
    }

    /// Gives a stream new, uncompressed data (the writer compresses it) and new dictionary entries, written
    /// as PDF syntax ("/DeviceCMYK", "8"). For images this agent made itself, never for customer content.
    func replaceStreamData(_ bytes: [UInt8], entries: [String: String], removing: [String]) {
        guard isStream else { return }
        bytes.withUnsafeBufferPointer { buffer in
            qpdf_oh_replace_stream_data(file.data, handle, buffer.baseAddress, buffer.count,
                                        qpdf_oh_new_null(file.data), qpdf_oh_new_null(file.data))
        }
        let dictionary = qpdf_oh_get_dict(file.data, handle)
        for key in removing { qpdf_oh_remove_key(file.data, dictionary, "/" + key) }
        for (key, value) in entries { qpdf_oh_replace_key(file.data, dictionary, "/" + key, qpdf_oh_parse(file.data, value)) }
    }
}

extension QPDFFile {
    /// Parses a PDF object from text ("<< /Type /Foo >>", "[/Separation /All ...]").
    func parse(_ text: String) -> QPDFObject { QPDFObject(file: self, handle: qpdf_oh_parse(data, text)) }

    /// A new stream with `content` as its (uncompressed) data; the writer compresses it.
    func newStream(_ content: String) -> QPDFObject {
        let stream = qpdf_oh_new_stream(data)
        let bytes = Array(content.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            qpdf_oh_replace_stream_data(data, stream, buffer.baseAddress, buffer.count, qpdf_oh_new_null(data), qpdf_oh_new_null(data))
        }
        return QPDFObject(file: self, handle: stream)
    }

    func newArray(_ items: [QPDFObject]) -> QPDFObject {
        let array = qpdf_oh_new_array(data)
        for item in items { qpdf_oh_append_item(data, array, item.handle) }
        return QPDFObject(file: self, handle: array)
    }

    func newDictionary() -> QPDFObject { QPDFObject(file: self, handle: qpdf_oh_new_dictionary(data)) }

    /// Writes the file with every existing stream's data byte for byte as it was: customer content, fonts
    /// and images are not re-encoded. Object streams are kept where the input has them and never made
    /// where it has none, so the PDF version stays the input's (a PDF/X-1a file stays PDF 1.3).
    /// `recompressing` is for PDFs the agent made itself: uncompressed streams get compressed.
    /// `minimumVersion` raises the header's version ("1.5") when the file's is older.
    func write(to path: String, recompressing: Bool = false, minimumVersion: String? = nil) throws(PrintReadyError) {
        if qpdf_init_write(data, path) & QPDF_ERRORS != 0 { throw .qpdf(stage: "write", message: lastErrorText) }
        if let minimumVersion { qpdf_set_minimum_pdf_version(data, minimumVersion) }
        qpdf_set_object_stream_mode(data, qpdf_o_preserve)
        qpdf_set_stream_data_mode(data, recompressing ? qpdf_s_compress : qpdf_s_preserve)
        if qpdf_write(data) & QPDF_ERRORS != 0 { throw .qpdf(stage: "write", message: lastErrorText) }
    }

    /// Copies the page's inherited keys (MediaBox, Resources, Rotate) onto every page, so that a page taken
    /// into another file brings what it inherited from its own page tree.
    func pushInheritedAttributesToPages() throws(PrintReadyError) {
        if qpdf_push_inherited_attributes_to_page(data) & QPDF_ERRORS != 0 { throw .qpdf(stage: "pages", message: lastErrorText) }
    }

    /// Appends `page` of another file as this file's last page; qpdf copies its objects (content, resources,
    /// fonts, images) over as they are. `page`'s file must stay open until this one is written.
    func appendPage(_ page: QPDFObject) throws(PrintReadyError) {
        if qpdf_add_page(data, page.file.data, page.handle, QPDF_FALSE) & QPDF_ERRORS != 0 {
            throw .qpdf(stage: "pages", message: lastErrorText)
        }
    }

    /// `object` of another file, copied into this one (once: a second copy returns the first).
    func copyForeign(_ object: QPDFObject) -> QPDFObject {
        QPDFObject(file: self, handle: qpdf_oh_copy_foreign_object(data, object.file.data, object.handle))
    }

    private var lastErrorText: String {
        // qpdf_get_error hands the error over once.
        guard qpdf_has_error(data) != 0, let error = qpdf_get_error(data),
              let text = qpdf_get_error_message_detail(data, error) else { return "unknown error" }
        return String(cString: text)
    }
}

// MARK: Editing (fix-ups): new objects beside the customer's, never changes to shared ones.

extension QPDFObject {
    /// A new direct dictionary with the same entries: the values are shared, the dictionary is not, so
    /// adding to it leaves every other user of the original as it was.
    func shallowCopy() -> QPDFObject {
        let copy = file.newDictionary()
        for key in keys { if let value = self[key] { copy.set(key, to: value) } }
        return copy
    }

    /// Sets `key` to a name ("/DeviceCMYK" written as "DeviceCMYK").
    func setName(_ key: String, to name: String) {
        qpdf_oh_replace_key(file.data, dictionary.handle, "/" + key, qpdf_oh_new_name(file.data, "/" + name))
    }
}

extension QPDFFile {
    /// A new stream with `bytes` as its (uncompressed) data and `dictionary` (PDF syntax) as its entries.
    func newStream(bytes: Data, dictionary: String = "<< >>") -> QPDFObject {
        let stream = qpdf_oh_new_stream(data)
        bytes.withUnsafeBytes { buffer in
            qpdf_oh_replace_stream_data(data, stream, buffer.bindMemory(to: UInt8.self).baseAddress, buffer.count,
                                        qpdf_oh_new_null(data), qpdf_oh_new_null(data))
        }
        let entries = qpdf_oh_parse(data, dictionary)
        let streamDictionary = qpdf_oh_get_dict(data, stream)
        let object = QPDFObject(file: self, handle: entries)
        for key in object.keys {
            qpdf_oh_replace_key(data, streamDictionary, "/" + key, qpdf_oh_get_key(data, entries, "/" + key))
        }
        return QPDFObject(file: self, handle: stream)
    }

    /// `object` as an indirect object of this file (streams must be indirect to be referenced).
    func makeIndirect(_ object: QPDFObject) -> QPDFObject {
        object.isIndirect ? object : QPDFObject(file: self, handle: qpdf_make_indirect_object(data, object.handle))
    }
}

extension QPDFObject {
    var isIndirect: Bool { qpdf_oh_is_indirect(file.data, handle) != 0 }
}

extension QPDFObject {
    /// Sets `key` to a text string (UTF-16 when it needs more than PDFDocEncoding).
    func setText(_ key: String, to text: String) {
        qpdf_oh_replace_key(file.data, dictionary.handle, "/" + key, qpdf_oh_new_unicode_string(file.data, text))
    }
}

// MARK: Colour conversion: image data, lookup strings, filtered stream data.

extension QPDFObject {
    /// The stream's data with every filter undone, image filters (DCT) too; nil when some filter cannot be
    /// undone (JPX, JBIG2) or the data is damaged.
    func fullyDecodedStreamData() -> Data? {
        guard isStream else { return nil }
        if let data = streamData(level: qpdf_dl_all) { return data }
        // qpdf refuses a chain it does not wholly understand ([/FlateDecode /DCTDecode] with a DCT
        // parameter it does not know): undo the filters one at a time instead.
        let filters = self["Filter"].map { $0.isArray ? $0.items.compactMap(\.name) : [$0.name].compactMap { $0 } } ?? []
        guard filters.count > 1, var data = streamData(level: qpdf_dl_none) else { return nil }
        let parameters = self["DecodeParms"].map { $0.isArray ? $0.items : [$0] } ?? []
        for (index, filter) in filters.enumerated() {
            var dictionary = "<< /Filter /\(filter)"
            if filter != "DCTDecode", let parameter = parameters[safe: index], parameter.isDictionary {
                dictionary += " /DecodeParms " + parameter.unparsed
            }
            guard let decoded = file.newStream(bytes: data, dictionary: dictionary + " >>").streamData(level: qpdf_dl_all) else { return nil }
            data = decoded
        }
        return data
    }

    /// The stream data decoded at `level`; nil unless every filter could be undone at that level.
    private func streamData(level: qpdf_stream_decode_level_e) -> Data? {
        var filtered: QPDF_BOOL = QPDF_FALSE
        var buffer: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard qpdf_oh_get_stream_data(file.data, handle, level, &filtered, &buffer, &length) & QPDF_ERRORS == 0,
              let buffer else {
            file.discardError()
            return nil
        }
        defer { free(buffer) }
        let hasFilter = self["Filter"].map { !($0.isArray && $0.items.isEmpty) } ?? false
        guard level == qpdf_dl_none || filtered != QPDF_FALSE || !hasFilter else { return nil }
        return Data(bytes: buffer, count: length)
    }

    /// The object as PDF syntax.
    var unparsed: String { qpdf_oh_unparse(file.data, handle).map { String(cString: $0) } ?? "null" }

    /// A string's bytes as they are (no text decoding): an Indexed colour space's lookup table.
    var binaryString: Data? {
        guard isString else { return nil }
        var length = 0
        guard let bytes = qpdf_oh_get_binary_string_value(file.data, handle, &length) else { return nil }
        return Data(bytes: bytes, count: length)
    }

    /// Replaces the stream's data with `encoded`, which is already Flate-compressed, and sets its entries.
    func replaceStreamData(flateEncoded encoded: Data, entries: [String: String], removing: [String]) {
        guard isStream else { return }
        encoded.withUnsafeBytes { buffer in
            qpdf_oh_replace_stream_data(file.data, handle, buffer.bindMemory(to: UInt8.self).baseAddress, buffer.count,
                                        qpdf_oh_new_name(file.data, "/FlateDecode"), qpdf_oh_new_null(file.data))
        }
        let dictionary = qpdf_oh_get_dict(file.data, handle)
        for key in removing { qpdf_oh_remove_key(file.data, dictionary, "/" + key) }
        for (key, value) in entries { qpdf_oh_replace_key(file.data, dictionary, "/" + key, qpdf_oh_parse(file.data, value)) }
    }

    /// Sets `key` to `object`, or the array item at `index` when this is an array.
    func setItem(_ index: Int, to object: QPDFObject) {
        qpdf_oh_set_array_item(file.data, handle, Int32(index), object.handle)
    }
}

extension QPDFFile {
    func newBinaryString(_ bytes: Data) -> QPDFObject {
        let handle = bytes.withUnsafeBytes { buffer in
            qpdf_oh_new_binary_string(data, buffer.bindMemory(to: CChar.self).baseAddress, buffer.count)
        }
        return QPDFObject(file: self, handle: handle)
    }
}

extension QPDFObject {
    /// This handle's number: the same object reached the same way keeps it for the file's life, so it keys
    /// caches during one walk (direct dictionaries have no object number).
    var handleNumber: UInt32 { UInt32(handle) }
}
