import Foundation
import Pipeline

/// What a worker hands back when its stage did not succeed: a code for machines, a message for the shop
/// operator, and whether trying again may help. Written by the worker as JSON next to its log; the agent
/// never scrapes the worker's stderr for a reason.
///
/// The message never carries a path, a library's name or a Foundation error's text: those go into
/// `detail`, which the agent logs with the job id and never shows to customers or integrators.
struct WorkerResult: Codable, Sendable, Equatable {
    enum Code: String, Codable, Sendable {
        /// The file itself cannot be processed: the job fails with the message.
        case badFile = "bad_file"
        /// The machine's disk or quota is full: the job waits and runs again when there is room.
        case diskFull = "disk_full"
        /// Another fault of the machine (permissions, I/O errors, descriptors, memory): the job waits and
        /// runs again.
        case machineFault = "machine_fault"
        /// An earlier worker of the same job still held its workspace.
        case workspaceBusy = "workspace_busy"
        /// Anything else: retried `limits.max_attempts` times, then the job fails with a plain reason.
        case internalError = "internal_error"
    }

    var code: Code
    var message: String
    var retryable: Bool
    /// The raw error, for the agent's log only.
    var detail: String

    /// Whether the fault lies with the machine rather than the file: retried for as long as it lasts.
    var isMachineFault: Bool { code == .diskFull || code == .machineFault || code == .workspaceBusy }

    /// Judges an error thrown in a worker. `workspace` is where the worker writes: when its filesystem is
    /// full now, any failure to write is a full disk whatever the library made of it. `paths` are the
    /// worker's own files (input, outputs): a message quoting one names just the file.
    static func judging(_ error: any Error, workspace: String, paths: [String] = []) -> WorkerResult {
        let detail = String(describing: error)
        if let lock = error as? WorkspaceLock.Failure, case .busy = lock {
            return WorkerResult(code: .workspaceBusy, message: "an earlier worker of this job was still running",
                                retryable: true, detail: detail)
        }
        if let code = MachineFault.errno(in: error) ?? (MachineFault.isFull(workspace) ? ENOSPC : nil),
           let fault = MachineFault(errno: code) {
            return WorkerResult(code: fault.isDiskFull ? .diskFull : .machineFault, message: fault.message,
                                retryable: true, detail: detail)
        }
        switch error {
        case let error as ArtworkError: return .badFile(error.description, paths: paths, detail: detail)
        case let error as PrintReadyError: return .badFile(error.description, paths: paths, detail: detail)
        case let error as ProofError:
            if case .pageTooLarge = error { return .badFile(error.description, paths: paths, detail: detail) }
            return WorkerResult(code: .internalError, message: "the proof could not be written", retryable: true, detail: detail)
        default:
            return WorkerResult(code: .internalError, message: "an internal error stopped the work on this file",
                                retryable: true, detail: detail)
        }
    }

    private static func badFile(_ message: String, paths: [String], detail: String) -> WorkerResult {
        WorkerResult(code: .badFile, message: OperatorText.scrubbed(message, paths: paths), retryable: false, detail: detail)
    }

    /// Sends the result down the worker's result pipe. A pipe, not a file: a result must reach the agent
    /// when the disk is full, which is one of the things it reports. Kept well under the pipe's buffer, so
    /// the write never waits for the agent.
    func send(to descriptor: Int32) {
        var sent = self
        sent.detail = String(sent.detail.prefix(4096))
        guard let data = try? JSONEncoder().encode(sent) else { return }
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// The result a worker sent down the pipe whose read end is `descriptor`, once the worker has ended.
    static func receive(from descriptor: Int32) -> WorkerResult? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while data.count < 1 << 20 {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(contentsOf: buffer[..<count])
        }
        return data.isEmpty ? nil : try? JSONDecoder().decode(WorkerResult.self, from: data)
    }
}

/// A fault of the machine, recognised by its errno, with the words an operator needs.
struct MachineFault: Sendable, Equatable {
    let errno: Int32

    init?(errno code: Int32) {
        guard [ENOSPC, EDQUOT, EACCES, EPERM, EROFS, EIO, EMFILE, ENFILE, ENOMEM].contains(code) else { return nil }
        errno = code
    }

    var isDiskFull: Bool { errno == ENOSPC || errno == EDQUOT }

    var message: String {
        switch errno {
        case ENOSPC: "the server's disk is full"
        case EDQUOT: "the agent's disk quota is used up"
        case EACCES, EPERM: "the agent is not allowed to write its files (check the folders' permissions)"
        case EROFS: "the agent's disk is mounted read-only"
        case EIO: "the server's disk reported an input/output error"
        case EMFILE, ENFILE: "the server ran out of open files"
        default: "the server ran out of memory"
        }
    }

    /// The errno an error carries, where it carries one: our own file operations, Foundation's errors
    /// (their underlying POSIX error) and POSIXError.
    static func errno(in error: any Error) -> Int32? {
        switch error {
        case let error as FileOperationError:
            if case .failed(_, _, let code) = error { return code }
            return nil
        case let error as POSIXError:
            return error.code.rawValue
        case let error as WorkerIOError:
            return error.errno
        default:
            let bridged = error as NSError
            if bridged.domain == NSPOSIXErrorDomain { return Int32(bridged.code) }
            if let underlying = bridged.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                return Int32(underlying.code)
            }
            if bridged.domain == NSCocoaErrorDomain {
                switch bridged.code {
                case CocoaError.fileWriteOutOfSpace.rawValue: return ENOSPC
                case CocoaError.fileWriteNoPermission.rawValue, CocoaError.fileReadNoPermission.rawValue: return EACCES
                case CocoaError.fileWriteVolumeReadOnly.rawValue: return EROFS
                default: return nil
                }
            }
            return nil
        }
    }

    /// Whether the filesystem holding `path` has no block left for an unprivileged writer.
    static func isFull(_ path: String) -> Bool {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return false }
        return info.f_bavail == 0
    }
}

/// A failed system call in the worker's own file handling, with its errno.
struct WorkerIOError: Error, CustomStringConvertible {
    let operation: String
    let errno: Int32

    var description: String { "cannot \(operation): \(String(cString: strerror(errno)))" }
}

/// Makes a message fit for an operator or a customer: absolute paths become their last part, and the
/// names of the libraries doing the work are left out.
enum OperatorText {
    /// `paths` are known paths (spaces and all), each replaced by its last part before any other word is
    /// looked at.
    static func scrubbed(_ text: String, paths: [String] = []) -> String {
        var text = text
        for path in paths.sorted(by: { $0.count > $1.count }) where path.hasPrefix("/") {
            text = text.replacingOccurrences(of: path, with: FileOperations.fileName(of: path))
        }
        var words: [String] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if let slash = word.firstIndex(of: "/"), word[slash...].dropFirst().contains("/") || word.hasPrefix("/") {
                let prefix = word[..<slash]
                let last = word.split(separator: "/").last.map(String.init) ?? ""
                words.append(prefix + last)
            } else {
                words.append(String(word))
            }
        }
        var result = words.joined(separator: " ")
        for library in ["qpdf", "Poppler", "poppler", "Cairo", "cairo", "libtiff", "LittleCMS", "lcms2"] {
            result = result.replacingOccurrences(of: library + ": ", with: "")
            result = result.replacingOccurrences(of: library + " ", with: "")
        }
        return result
    }
}
