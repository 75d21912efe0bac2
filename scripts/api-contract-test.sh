#!/usr/bin/env bash
# Runs schemathesis against a real agent serving its own /openapi.yaml: no 5xx, no response that breaks
# the contract. Called by `make test`; usage: scripts/api-contract-test.sh BINARY
set -euo pipefail
binary=$(realpath "$1")
examples=${SCHEMATHESIS_EXAMPLES:-25}
work=$(mktemp -d)
trap 'kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/cards"
cat > "$work/hotfolders.yaml" <<YAML
state_dir: state
bridge:
  listen: "127.0.0.1:$port"
  rate_limit: 1000000
  client_rate_limit: 1000000
hotfolders:
  - name: cards
    root: cards
    approval: required
    product: {trim: 85x55mm, bleed: 3mm}
YAML
token=$("$binary" token create --config "$work/hotfolders.yaml" --name schemathesis \
    --scopes jobs:read,jobs:write,jobs:approve,webhooks:manage 2>/dev/null)
"$binary" run --config "$work/hotfolders.yaml" > "$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break
    kill -0 "$agent" 2>/dev/null || { cat "$work/agent.log"; exit 1; }
    sleep 0.2
done
echo "schemathesis against the agent on port $port ($examples examples per operation)"
status=0
PYTHONPATH="$(cd "$(dirname "$0")" && pwd)${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
schemathesis --config-file "$(dirname "$0")/schemathesis.toml" run "http://127.0.0.1:$port/openapi.yaml" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection \
    --max-examples "$examples" --seed 20261123 --workers 1 --phases examples,coverage,fuzzing,stateful --request-timeout 90 \
    --suppress-health-check all --warnings off || status=$?
if ! kill -0 "$agent" 2>/dev/null; then
    echo "the agent died during the run:"; tail -50 "$work/agent.log"; exit 1
fi
if grep -q ' 500 \|status=500' "$work/agent.log"; then
    echo "the agent logged server errors:"; grep "status=500\|request failed" "$work/agent.log" | head -20 | cut -c1-600; exit 1
fi
exit $status
