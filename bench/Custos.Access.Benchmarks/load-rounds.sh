#!/usr/bin/env bash
# Three rounds of the HTTP load test against one `custos serve` (defaults: demo world, durable
# SQLite ledger), each followed by the same clients on /healthz, with the server's CPU time per
# decision (user + system over the round, divided by the decisions it answered, warm-up included).
# Build first: dotnet build -c Release bench/Custos.Access.Benchmarks
# Usage: bench/Custos.Access.Benchmarks/load-rounds.sh [port] [seconds]
set -euo pipefail
port=${1:-5099}
seconds=${2:-20}
data=$(mktemp -d /tmp/custos-load.XXXXXX)
bench=bench/Custos.Access.Benchmarks/bin/Release/net10.0/Custos.Access.Benchmarks
src/Custos/bin/Release/net10.0/custos serve --data "$data" --urls "http://127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.5; done
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
echo "commit $(git rev-parse --short HEAD); $(uptime)"
for round in 1 2 3; do
  before=$(ticks)
  out=$("$bench" load --server "http://127.0.0.1:$port/" --data "$data" --clients 64 --seconds "$seconds" --warmup 5)
  after=$(ticks)
  answered=$(sed -n 's/.*; \([0-9]*\) answered in all.*/\1/p' <<<"$out")
  echo "round $round: $out"
  awk -v t=$((after - before)) -v hz="$hz" -v n="$answered" 'BEGIN { printf "  server CPU %.1f us per decision\n", t / hz * 1e6 / n }'
  echo "  $("$bench" load --server "http://127.0.0.1:$port/" --data "$data" --clients 64 --seconds 10 --warmup 2 --healthz | head -1)"
  echo "  $(uptime)"
done
