import JobStore
/// Who is asking and under which request id, for the code below the middleware that found out.
///
/// Task-locals rather than context fields because the generated OpenAPI handlers see only their typed input.
enum RequestScope {
    @TaskLocal static var requestId = "-"
    @TaskLocal static var caller: AccessToken?
    /// The connection's peer address ("-" when unknown) and the request's User-Agent.
    @TaskLocal static var clientAddress = "-"
    @TaskLocal static var userAgent: String?

    /// The caller of an API request, as its job history records it.
    static var actor: EventActor {
        EventActor(kind: .token, name: caller?.name, address: clientAddress, userAgent: userAgent)
    }
}
