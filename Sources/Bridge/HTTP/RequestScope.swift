/// Who is asking and under which request id, for the code below the middleware that found out.
///
/// Task-locals rather than context fields because the generated OpenAPI handlers see only their typed input.
enum RequestScope {
    @TaskLocal static var requestId = "-"
    @TaskLocal static var caller: AccessToken?
}
