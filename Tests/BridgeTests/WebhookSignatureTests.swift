import Bridge
import Foundation
import Testing

@Suite struct WebhookSignatureTests {
    /// The example published with the Standard Webhooks specification.
    @Test func theSpecificationsVectorSignsAlike() throws {
        let signer = try WebhookSignature(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330,
                                         body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func newSecretsAreLongRandomAndUsable() throws {
        let secret = WebhookSignature.generateSecret()
        #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
        #expect(secret != WebhookSignature.generateSecret())
        _ = try WebhookSignature(secret: secret)
        #expect(throws: WebhookSecretError.malformed) { try WebhookSignature(secret: "whsec_not base64!") }
    }
}
