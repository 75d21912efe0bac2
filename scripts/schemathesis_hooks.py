"""schemathesis hooks for scripts/api-contract-test.sh (loaded through SCHEMATHESIS_HOOKS).

openapi.yaml gives an example for every request, artwork uploads included; schemathesis sends bytes only for the
media types it knows, so PDF and TIFF go as its raw binary bodies do.
"""
import schemathesis

schemathesis.serializer.alias("application/pdf", "application/octet-stream")
schemathesis.serializer.alias("image/tiff", "application/octet-stream")
