import Foundation
import TestFixtures
import Testing

/// Requests an ERP with a bug, a scanner or an attacker sends: each gets a clear 4xx (malformed HTTP may
/// simply be hung up on), none a 5xx, nothing lands outside the job's folder, and the agent keeps serving.
/// The client is raw sockets (Python's asyncio), so the bytes are exactly the test's, not what a polite
/// HTTP library would make of them.
extension TortureTests {
    /// One hostile request: what is sent, and the answers that count as right.
    struct HostileRequest {
        var name: String
        var request: String
        var body: String = ""
        var accepted: Set<String>
    }

    @Test func badRequestsGetClearAnswersAndTheAgentKeepsServing() async throws {
        let agent = try RunningAgent(product: "{pages: 1}",
                                     topLevel: "bridge:\n  listen: \"127.0.0.1:0\"\n  max_upload: 1MiB\n  rate_limit: 100000")
        let token = try agent.cli(["token", "create", "--name", "erp", "--scopes", "jobs:read,jobs:write,jobs:approve,webhooks:manage"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        var ids: [String] = []
        for order in ["ORD-1", "ORD-2", "ORD-3"] {  // one job per upload case, so none answers "already has a file"
            let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": order])
            ids.append(try #require(created.json["id"] as? String))
        }
        let id = ids[0]
        let escape = "outside-\(UUID().uuidString.prefix(8)).pdf"

        let results = try await runHostileClient(port: port, token: token, jobIDs: ids, escapeName: escape, connections: 1_000)
        let cases = try #require(results["cases"] as? [String: [String: Any]])
        for hostile in Self.hostileRequests {
            let result = try #require(cases[hostile.name], "no answer recorded for \(hostile.name)")
            let status = result["status"] as? String ?? "?"
            #expect(hostile.accepted.contains(status), "\(hostile.name): \(status) \(result["body"] ?? ""), expected \(hostile.accepted.sorted())")
            #expect(!status.hasPrefix("5"), "\(hostile.name) got a server error: \(result["body"] ?? "")")
            if status.hasPrefix("4"), result["isAPI"] as? Bool == true, hostile.accepted != Self.refusedOrClosed {
                #expect(result["code"] is String, "\(hostile.name): a 4xx without an error code: \(result["body"] ?? "")")
            }
        }

        // The file name trick was taken apart: the job keeps a plain name and nothing escaped the job folder.
        let job = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
        let fileName = job["fileName"] as? String ?? ""
        #expect(!fileName.contains("/") && !fileName.contains(".."), "the uploaded name is \(fileName)")
        var above = agent.directory
        for _ in 0..<4 {
            above.deleteLastPathComponent()
            #expect(!FileManager.default.fileExists(atPath: above.appendingPathComponent(escape).path), "the upload escaped to \(above.path)")
        }

        // 1,000 connections at once, three quarters of them asking the store: every one answered, none refused.
        let concurrent = try #require(results["concurrent"] as? [String: Int])
        #expect(concurrent == ["200": 750, "404": 250], "answers to 1,000 concurrent connections: \(concurrent)")

        // And the agent is unharmed: alive, ready, and a dropped file still goes all the way.
        #expect(agent.isRunning)
        #expect(try await sendHTTP("GET", port: port, "/readyz").status == 200)
        try agent.drop(PDFFixture.businessCard(pages: 1), as: "after.pdf")
        _ = try await agent.waitUntil("a file dropped afterwards ended print_ready") {
            try agent.jobs().contains { $0["fileName"] as? String == "after.pdf" && $0["status"] as? String == "print_ready" } ? true : nil
        }
    }

    static let fourXX: Set<String> = ["400", "404", "405", "411", "413", "414", "415", "422", "431"]
    /// Our API answers a malformed value with 422 validation_error naming the field, a malformed body with 400.
    static let invalid: Set<String> = ["400", "422"]
    /// Malformed HTTP: a 4xx or the connection closed, both fine.
    static let refusedOrClosed: Set<String> = fourXX.union(["closed"])

    /// `{ID}`, `{ID2}`, `{ID3}` (three jobs waiting for a file) and `{ESCAPE}` are filled in by the client; `{BIG:n}` is n bytes of JSON-ish text.
    static let hostileRequests: [HostileRequest] = [
        .init(name: "json body over the limit", request: "POST /api/v1/jobs\nContent-Type: application/json\nContent-Length: 5000000",
              body: "{BIG:5000000}", accepted: ["413"]),
        .init(name: "chunked json body over the limit", request: "POST /api/v1/jobs\nContent-Type: application/json\nTransfer-Encoding: chunked",
              body: "{CHUNKED:5000000}", accepted: ["413"]),
        .init(name: "broken json", request: "POST /api/v1/jobs\nContent-Type: application/json", body: "{\"externalId\": \"ORD-2\",", accepted: ["400"]),
        .init(name: "json of the wrong shape", request: "POST /api/v1/jobs\nContent-Type: application/json",
              body: "{\"externalId\": 42, \"product\": \"many\"}", accepted: invalid),
        .init(name: "json sent as text/plain", request: "POST /api/v1/jobs\nContent-Type: text/plain", body: "{\"externalId\": \"ORD-3\"}", accepted: ["400", "415"]),
        .init(name: "xml sent", request: "POST /api/v1/jobs\nContent-Type: application/xml", body: "<job/>", accepted: ["400", "415"]),
        .init(name: "no token", request: "GET /api/v1/jobs\nAuthorization: none", accepted: ["401"]),
        .init(name: "forged token", request: "GET /api/v1/jobs\nAuthorization: Bearer hfa_0000000000000000000000000000", accepted: ["401"]),
        .init(name: "id with encoded dot-dot", request: "GET /api/v1/jobs/..%2F..%2Fetc%2Fpasswd", accepted: ["400", "404", "422"]),
        .init(name: "id with raw dot-dot", request: "GET /api/v1/jobs/../../etc/passwd", accepted: ["400", "404", "422"]),
        .init(name: "id with a NUL", request: "GET /api/v1/jobs/job_%00abc", accepted: ["400", "404", "422"]),
        .init(name: "id with bad percent encoding", request: "GET /api/v1/jobs/%zz", accepted: ["400", "404", "422"]),
        .init(name: "id of 10,000 characters", request: "GET /api/v1/jobs/job_{BIGPATH:10000}", accepted: ["400", "404", "414", "422"]),
        .init(name: "output name with dot-dot", request: "GET /api/v1/jobs/{ID}/files/..%2F..%2Fstate.sqlite", accepted: ["400", "404", "422"]),
        .init(name: "output name with raw dot-dot", request: "GET /api/v1/jobs/{ID}/files/../../../hotfolders.yaml", accepted: ["400", "404", "422"]),
        .init(name: "proof page number below one", request: "GET /api/v1/jobs/{ID}/proofs/-1.png", accepted: ["400", "404", "422"]),
        .init(name: "proof page number past Int", request: "GET /api/v1/jobs/{ID}/proofs/99999999999999999999999.png", accepted: ["400", "404", "422"]),
        .init(name: "proof link with dot-dot", request: "GET /proof/..%2F..%2Fetc%2Fpasswd/pages/1", accepted: ["400", "403", "404"]),
        .init(name: "proof link without its token", request: "GET /proof/{ID}", accepted: ["400", "403", "404"]),
        .init(name: "negative limit", request: "GET /api/v1/jobs?limit=-5", accepted: invalid),
        .init(name: "limit that is not a number", request: "GET /api/v1/jobs?limit=many", accepted: invalid),
        .init(name: "unknown status filter", request: "GET /api/v1/jobs?status=exploded", accepted: invalid),
        .init(name: "method the path lacks", request: "DELETE /api/v1/jobs", accepted: ["404", "405"]),
        .init(name: "upload named with dot-dot", request: "PUT /api/v1/jobs/{ID}/file\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"../../../../{ESCAPE}\"",
              body: "{PDF}", accepted: ["200"]),
        .init(name: "upload of text as a pdf", request: "PUT /api/v1/jobs/{ID2}/file\nContent-Type: application/pdf", body: "this is not artwork", accepted: ["415"]),
        .init(name: "upload over max_upload", request: "PUT /api/v1/jobs/{ID3}/file\nContent-Type: application/pdf\nContent-Length: 2000000",
              body: "{BIG:2000000}", accepted: ["413"]),
        .init(name: "upload to a job that does not exist", request: "PUT /api/v1/jobs/job_01HZZZZZZZZZZZZZZZZZZZZZZZ/file\nContent-Type: application/pdf",
              body: "{PDF}", accepted: ["404"]),
        .init(name: "webhook to a file url", request: "POST /api/v1/webhooks\nContent-Type: application/json",
              body: "{\"url\": \"file:///etc/passwd\", \"events\": [\"job.print_ready\"]}", accepted: invalid),
        .init(name: "garbage request line", request: "RAW:GARBAGE\r\n\r\n", accepted: refusedOrClosed),
        .init(name: "header of 200 KB", request: "GET /healthz\nX-Filler: {BIGPATH:200000}", accepted: refusedOrClosed),
        .init(name: "request line of 200 KB", request: "GET /api/v1/jobs/{BIGPATH:200000}", accepted: refusedOrClosed),
        .init(name: "HTTP/1.1 without a Host", request: "RAW:GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", accepted: ["200", "400"]),
    ]

    /// Runs the raw client: every hostile request on its own connection, then `connections` held open at once.
    func runHostileClient(port: Int, token: String, jobIDs: [String], escapeName: String, connections: Int) async throws -> [String: Any] {
        let requests = Self.hostileRequests.map { ["name": $0.name, "request": $0.request, "body": $0.body] }
        let input = try JSONSerialization.data(withJSONObject: [
            "port": port, "token": token, "ids": jobIDs, "escape": escapeName, "connections": connections,
            "pdf": PDFFixture.businessCard(pages: 1).base64EncodedString(), "requests": requests,
        ])
        let directory = try makeTemporaryDirectory("hostile-client")
        let inputFile = directory.appendingPathComponent("input.json")
        try input.write(to: inputFile)
        let result = try await runProgramOffThePool("python3", ["-c", Self.hostileClient, inputFile.path])
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else {
            Issue.record("the hostile client failed (\(result.status)): \(result.output.suffix(2000))")
            throw CancellationError()
        }
        return object
    }

    static let hostileClient = #"""
        import asyncio, base64, json, random, re, sys
        spec = json.load(open(sys.argv[1]))
        port, token, escape = spec["port"], spec["token"], spec["escape"]
        job, job2, job3 = spec["ids"]
        pdf = base64.b64decode(spec["pdf"])

        def fill(text):
            text = text.replace("{ID}", job).replace("{ID2}", job2).replace("{ID3}", job3).replace("{ESCAPE}", escape)
            return re.sub(r"\{BIGPATH:(\d+)\}", lambda m: "a" * int(m.group(1)), text)

        def build(request, body):
            if request.startswith("RAW:"):
                return fill(request[4:]).encode(), []
            lines = fill(request).split("\n")
            method, target = lines[0].split(" ", 1)
            headers = {"Host": "127.0.0.1", "Connection": "close"}
            if not any(l.lower().startswith("authorization:") for l in lines[1:]):
                headers["Authorization"] = "Bearer " + token
            for line in lines[1:]:
                name, value = line.split(": ", 1)
                headers[name] = value
            chunks = []
            big = re.fullmatch(r"\{BIG:(\d+)\}", body)
            chunked = re.fullmatch(r"\{CHUNKED:(\d+)\}", body)
            if chunked:
                size, piece = int(chunked.group(1)), b"[" * 65536
                chunks = [b"%x\r\n" % len(piece) + piece + b"\r\n" for _ in range(size // len(piece))] + [b"0\r\n\r\n"]
            elif big:
                size = int(big.group(1))
                chunks = [b"[" * 65536 for _ in range(size // 65536)] + [b"[" * (size % 65536)]
                headers.setdefault("Content-Length", str(size))
            else:
                data = pdf if body == "{PDF}" else fill(body).encode()
                chunks = [data]
                if data or method in ("POST", "PUT"):
                    headers.setdefault("Content-Length", str(len(data)))
            head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            return head.encode(), chunks

        async def exchange(head, chunks, timeout=60):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            async def send():
                try:
                    writer.write(head)
                    for chunk in chunks:
                        writer.write(chunk)
                        await writer.drain()
                except (ConnectionError, BrokenPipeError):
                    pass  # the server answered early and hung up; its answer is read below
            # Read while sending: a server that refuses a body answers before it has all of it.
            sender = asyncio.create_task(send())
            try:
                data = await asyncio.wait_for(reader.read(), timeout)
            except ConnectionError:
                data = b""
            except asyncio.TimeoutError:
                data = None
            sender.cancel()
            writer.transport.abort()
            if data is None:
                return {"status": "no answer within %d s" % timeout, "body": ""}
            if not data:
                return {"status": "closed", "body": ""}
            head, _, body = data.partition(b"\r\n\r\n")
            status = head.split(b" ")[1].decode() if head.startswith(b"HTTP/") else "garbled"
            result = {"status": status, "body": body[:300].decode("utf-8", "replace")}
            try:
                error = json.loads(body).get("error", {})
                if isinstance(error, dict) and "code" in error:
                    result["code"] = error["code"]
            except Exception:
                pass
            return result

        async def main():
            cases = {}
            for item in spec["requests"]:
                head, chunks = build(item["request"], item["body"])
                result = await exchange(head, chunks)
                result["isAPI"] = "/api/" in item["request"].split("\n")[0]
                cases[item["name"]] = result
            # Open every connection first, then ask on all of them at once.
            count = spec["connections"]
            opened = await asyncio.gather(*[asyncio.open_connection("127.0.0.1", port) for _ in range(count)])
            # A quarter each: /healthz, a known job (mostly from the answer cache), the job list (a pooled
            # read that waits on the reader) and a job id nobody created (a point read on the caller's thread).
            async def ask(index, reader, writer):
                unknown = "job_01" + "".join(random.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(24))
                target = ["/healthz", f"/api/v1/jobs/{job}", "/api/v1/jobs?limit=20", f"/api/v1/jobs/{unknown}"][index % 4]
                writer.write(f"GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode())
                await writer.drain()
                data = await asyncio.wait_for(reader.read(), 120)
                writer.close()
                return data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "closed"
            statuses = await asyncio.gather(*[ask(i, r, w) for i, (r, w) in enumerate(opened)], return_exceptions=True)
            concurrent = {}
            for status in statuses:
                key = status if isinstance(status, str) else type(status).__name__
                concurrent[key] = concurrent.get(key, 0) + 1
            print(json.dumps({"cases": cases, "concurrent": concurrent}))

        try:
            asyncio.run(main())
        except Exception:
            import traceback
            traceback.print_exc(file=sys.stdout)
            sys.exit(1)
        """#
}
