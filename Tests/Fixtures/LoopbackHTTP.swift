import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A reply as tests look at it: status, headers, body, and the JSON body's parts.
public struct HTTPReply: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    public var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    public var errorCode: String? { error["code"] as? String }
    public var text: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

/// One real HTTP request over loopback (URLSession, which is libcurl underneath on Linux).
public func sendHTTP(_ method: String, port: Int, _ path: String, bearer: String? = nil, json: Any? = nil, body: Data? = nil,
                     contentType: String? = nil, headers: [String: String] = [:]) async throws -> HTTPReply {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    if let bearer { request.setValue("Bearer " + bearer, forHTTPHeaderField: "Authorization") }
    if let json {
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    if let body { request.httpBody = body }
    if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.timeoutInterval = 120
    let (data, response) = try await URLSession.shared.data(for: request)
    guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
    var fields: [String: String] = [:]
    for (key, value) in http.allHeaderFields { fields["\(key)"] = "\(value)" }
    return HTTPReply(status: http.statusCode, headers: fields, body: data)
}
