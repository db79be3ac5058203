#!/usr/bin/env bash
# Status page benchmark: one Madoguchi (Release, SQLite, 90 days of probe history, one open incident) and wrk with 50
# connections for 30 s per target, alternating a static file, /status and /status.json for MADOGUCHI_BENCH_ROUNDS rounds
# (default 2), all served by the same Kestrel. Prints requests/s, p99 and the ratio to the static file per round.
# Usage: bench/status/run.sh            (needs wrk: apt-get install -y wrk)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${MADOGUCHI_BENCH_ROUNDS:-2}"
duration="${MADOGUCHI_BENCH_DURATION:-30s}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
dotnet build "$root/src/Madoguchi.Web" -c Release -v q -nologo >/dev/null
data="$(mktemp -d /tmp/madoguchi-bench-status.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
MADOGUCHI_DATADIRECTORY="$data" URLS="$base" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$root/src/Madoguchi.Web/bin/Release/net10.0/Madoguchi.Web.dll" >"$data/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null; wait $app 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -sf "$base/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
python3 "$root/bench/status/seed.py" "$data/madoguchi.db" 90
ls "$data"/*.db >/dev/null
static="/app.css"
declare -A size
for path in "$static" /status /status.json; do
  size[$path]=$(curl -sf -H 'Accept-Language: ja' "$base$path" | wc -c)
  for _ in 1 2 3; do curl -sf -o /dev/null -H 'Accept-Language: ja' "$base$path"; done
done
echo "sizes: static $static ${size[$static]} B, /status ${size[/status]} B, /status.json ${size[/status.json]} B"
measure() { # path -> "rps p99"
  local out
  out="$(wrk -t2 -c50 -d"$duration" --latency -H 'Accept-Language: ja' "$base$1")"
  local rps p99
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  local errors
  errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')"
  echo "$rps $p99 $errors"
}
printf '%-6s %-12s %12s %10s %8s  %s\n' round target "requests/s" p99 ratio "load average (1 5 15)"
for round in $(seq 1 "$rounds"); do
  read -r s_rps s_p99 s_err < <(measure "$static")
  printf '%-6s %-12s %12s %10s %8s  %s %s\n' "$round" "static" "$s_rps" "$s_p99" "1.00" "$(cut -d' ' -f1-3 /proc/loadavg)" "$s_err"
  for path in /status /status.json; do
    read -r rps p99 err < <(measure "$path")
    printf '%-6s %-12s %12s %10s %8s  %s %s\n' "$round" "$path" "$rps" "$p99" "$(python3 -c "print(f'{$rps/$s_rps:.2f}')")" "$(cut -d' ' -f1-3 /proc/loadavg)" "$err"
  done
done
