import Hummingbird

/// The bridge's request context: Hummingbird's basic one plus the address the connection comes from, for
/// per-client rate limits and for recording who approved a proof.
struct BridgeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address as text ("192.0.2.7", "2001:db8::1"), "-" when unknown.
    let clientAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "-"
    }
}
