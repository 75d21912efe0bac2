import NIOCore
import Synchronization

/// At most `limit` open connections to the bridge; one more is closed as it opens. Idle ones are closed
/// by Hummingbird after `bridge.idle_timeout`, so slow or abandoned clients cannot hold the bridge's file
/// descriptors, which the workers' files need too.
final class ConnectionCap: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// A handler for one connection's pipeline.
    func handler() -> Handler { Handler(cap: self) }

    final class Handler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
        /// Whatever the HTTP decoder before it reads; passed on untouched.
        typealias InboundIn = NIOAny
        let cap: ConnectionCap

        init(cap: ConnectionCap) { self.cap = cap }

        func handlerAdded(context: ChannelHandlerContext) {
            let count = cap.open.wrappingAdd(1, ordering: .relaxed).newValue
            if count > cap.limit { context.close(promise: nil) }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            cap.open.wrappingSubtract(1, ordering: .relaxed)
        }
    }
}
