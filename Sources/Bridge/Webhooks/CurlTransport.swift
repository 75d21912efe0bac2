import CCurl
import Dispatch
import Foundation
import JobStore

/// Outbound HTTP POSTs for callbacks and webhooks, with libcurl: the system CA store, proxies from the
/// environment (http_proxy, https_proxy, no_proxy) as admins expect, no redirects followed, and each
/// transfer run on a Dispatch queue of its own so a slow endpoint never holds a thread of Swift's
/// cooperative pool. Every address a transfer connects to passes `policy` first (libcurl's open-socket
/// callback), so a name that resolves into the shop's network is refused at the moment it would be reached.
public final class CurlTransport: Sendable {
    public struct Request: Sendable {
        public var url: String
        public var headers: [(name: String, value: String)]
        public var body: Data

        public init(url: String, headers: [(name: String, value: String)], body: Data) {
            self.url = url
            self.headers = headers
            self.body = body
        }
    }

    public struct Response: Sendable {
        public var status: Int
        /// Header names lowercased; the last value wins.
        public var headers: [String: String]
        /// The first `maximumBodyBytes` of the body (read, never stored: delivery logs show status and timing).
        public var body: Data
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case timedOut(String)
        case unreachable(String)
        case refused(String)
        /// The address is one `policy` does not allow; nothing was sent.
        case forbiddenAddress(String)

        public var description: String {
            switch self {
            case .timedOut(let detail): "timed out: \(detail)"
            case .unreachable(let detail): "could not connect: \(detail)"
            case .refused(let detail): detail
            case .forbiddenAddress(let reason): "refused: \(reason)"
            }
        }
    }

    let connectTimeout: Duration
    let totalTimeout: Duration
    let userAgent: String
    let policy: CallbackHostPolicy
    /// `HOST:PORT:ADDRESS` entries that answer name lookups before DNS (CURLOPT_RESOLVE): how tests make a
    /// name resolve where an attacker's DNS would.
    let pinnedResolutions: [String]
    static let maximumBodyBytes = 16 * 1024
    private let queue = DispatchQueue(label: "hotfolder-agent.curl", qos: .utility, attributes: .concurrent)

    public init(policy: CallbackHostPolicy = CallbackHostPolicy(), connectTimeout: Duration = .seconds(10),
                totalTimeout: Duration = .seconds(30), userAgent: String = "hotfolder-agent", pinnedResolutions: [String] = []) {
        self.policy = policy
        self.pinnedResolutions = pinnedResolutions
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.userAgent = userAgent
        Self.initialiseOnce
    }

    /// curl_global_init is not thread-safe; it runs once, before the first handle.
    private static let initialiseOnce: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public func post(_ request: Request) async throws(Failure) -> Response {
        let result: Result<Response, Failure> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.perform(request)) }
        }
        return try result.get()
    }

    /// One blocking transfer on the calling (Dispatch) thread.
    private func perform(_ request: Request) -> Result<Response, Failure> {
        if let refusal = policy.refusal(for: request.url) { return .failure(.forbiddenAddress(refusal)) }
        guard let curl = curl_easy_init() else { return .failure(.refused("the transfer could not be started")) }
        defer { curl_easy_cleanup(curl) }
        let collected = Collected(policy: policy)
        let context = Unmanaged.passUnretained(collected).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        // Without this, curl sends "Expect: 100-continue" for larger bodies and waits for the server.
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }
        var resolveList: UnsafeMutablePointer<curl_slist>?
        for entry in pinnedResolutions { resolveList = curl_slist_append(resolveList, entry) }
        defer { curl_slist_free_all(resolveList) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = request.body.withUnsafeBytes { body in
            errorBuffer.withUnsafeMutableBufferPointer { errors in
                hfa_curl_set_pointer(curl, CURLOPT_URL, request.url)
                hfa_curl_set_pointer(curl, CURLOPT_PROTOCOLS_STR, "http,https")
                hfa_curl_set_long(curl, CURLOPT_POST, 1)
                hfa_curl_set_pointer(curl, CURLOPT_POSTFIELDS, body.baseAddress)
                hfa_curl_set_size(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                hfa_curl_set_pointer(curl, CURLOPT_HTTPHEADER, headerList)
                if resolveList != nil { hfa_curl_set_pointer(curl, CURLOPT_RESOLVE, resolveList) }
                hfa_curl_set_pointer(curl, CURLOPT_USERAGENT, userAgent)
                hfa_curl_set_long(curl, CURLOPT_FOLLOWLOCATION, 0)
                hfa_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
                hfa_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout.components.seconds * 1000))
                hfa_curl_set_long(curl, CURLOPT_TIMEOUT_MS, Int(totalTimeout.components.seconds * 1000))
                hfa_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, errors.baseAddress)
                hfa_curl_set_callback(curl, CURLOPT_WRITEFUNCTION, { data, size, count, context in
                    let collected = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
                    let length = size * count
                    if let data, collected.body.count < CurlTransport.maximumBodyBytes {
                        collected.body.append(Data(bytes: data, count: min(length, CurlTransport.maximumBodyBytes - collected.body.count)))
                    }
                    return length
                })
                hfa_curl_set_pointer(curl, CURLOPT_WRITEDATA, context)
                hfa_curl_set_callback(curl, CURLOPT_HEADERFUNCTION, { data, size, count, context in
                    let collected = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
                    let length = size * count
                    if let data {
                        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
                        if let colon = line.firstIndex(of: ":") {
                            collected.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                        }
                    }
                    return length
                })
                hfa_curl_set_pointer(curl, CURLOPT_HEADERDATA, context)
                hfa_curl_set_opensocket(curl, { context, _, address in
                    let collected = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
                    guard let address else { return CURL_SOCKET_BAD }
                    let family = address.pointee.family
                    // The address runs on past `addr` (a sockaddr) for IPv6: read it in place, never copied.
                    let socketAddress = UnsafeRawPointer(address).advanced(by: MemoryLayout<curl_sockaddr>.offset(of: \.addr)!)
                    let judged = IPAddress(socketAddress: socketAddress, family: family)
                    guard let judged else {
                        collected.refusal = "it is not an IPv4 or IPv6 address"
                        return CURL_SOCKET_BAD
                    }
                    if let refusal = collected.policy.refusal(forConnectingTo: judged) {
                        collected.refusal = refusal
                        return CURL_SOCKET_BAD
                    }
                    return socket(family, address.pointee.socktype, address.pointee.protocol)
                }, context)
                return curl_easy_perform(curl)
            }
        }
        guard code == CURLE_OK else {
            if let refusal = collected.refusal { return .failure(.forbiddenAddress(refusal)) }
            let message = errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : String(decoding: message, as: UTF8.self)
            switch code {
            case CURLE_OPERATION_TIMEDOUT: return .failure(.timedOut(detail))
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .failure(.unreachable(detail))
            default: return .failure(.refused(detail))
            }
        }
        var status = 0
        hfa_curl_get_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return .success(Response(status: status, headers: collected.headers, body: collected.body))
    }

    /// What the callbacks gather during one transfer (touched by that transfer's thread only).
    private final class Collected {
        let policy: CallbackHostPolicy
        var headers: [String: String] = [:]
        var body = Data()
        /// Why the last address curl tried was not connected to.
        var refusal: String?

        init(policy: CallbackHostPolicy) { self.policy = policy }
    }
}
