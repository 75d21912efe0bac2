#!/usr/bin/env bash
# `make run-cluster`: a private PostgreSQL (the test suite's script: initdb under /tmp, a free loopback
# port) and three agents, node-1 to node-3, sharing one demo folder (demo-cluster/shop/) and one shared_dir
# (demo-cluster/shared/), each with its own state_dir and bridge port. Prints where to drop files and each
# bridge's URL; Ctrl-C stops the agents (SIGTERM, they drain) and then the database.
set -euo pipefail
binary=${1:?the hotfolder-agent binary}
here=$(pwd)
root=$here/demo-cluster
mkdir -p "$root/shop/business-cards" "$root/shared"

postgres=$(./scripts/postgres-test-cluster.sh start)
url=$(echo "$postgres" | head -1)
pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "==> stopping the agents"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "==> stopping PostgreSQL"
  ./scripts/postgres-test-cluster.sh stop "$(echo "$postgres" | tail -1)"
}
trap stop INT TERM EXIT

for n in 1 2 3; do
  mkdir -p "$root/node-$n"
  cat >"$root/node-$n/hotfolders.yaml" <<YAML
# node-$n of the make run-cluster demo: written at every start.
state_dir: state
store: $url?sslmode=prefer
shared_dir: $root/shared
node: {name: node-$n, timeout: 10s}
workers: 1
bridge:
  listen: "127.0.0.1:819$n"
hotfolders:
  - name: business-cards
    root: $root/shop/business-cards
    product: {trim: 85x55mm, bleed: 3mm, pages: [1, 2]}
    poll_interval: 2s
YAML
done
token=$("$binary" token create --config "$root/node-1/hotfolders.yaml" --name "demo-$(date +%s)" \
  --scopes jobs:read,jobs:write,jobs:approve,webhooks:manage)
for n in 1 2 3; do
  (cd "$root/node-$n" && exec "$binary" run --config hotfolders.yaml >>agent.log 2>&1) &
  pids+=($!)
done
cat <<TEXT

  Three agents share one hot folder and one PostgreSQL ($url):
    drop business cards (85x55 mm, 3 mm bleed) into:  $root/shop/business-cards/in/
    results:  $root/shop/business-cards/out/   claims per server:  $root/shop/business-cards/.work/node-N/
  Bridges (any of them answers for every job):
    node-1  http://127.0.0.1:8191
    node-2  http://127.0.0.1:8192
    node-3  http://127.0.0.1:8193
  Logs:     $root/node-N/agent.log
  API token for this run:  $token
    curl -H "Authorization: Bearer $token" http://127.0.0.1:8192/api/v1/jobs
  Kill one (kill -9 on its pid: ${pids[*]}) and watch another take over its jobs after node.timeout (10 s).
  Ctrl-C stops all three and the database.

TEXT
wait
