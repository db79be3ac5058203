#!/usr/bin/env bash
# Sending benchmark: Madoguchi's outbox sending N queued replies to Postfix's smtp-sink, and Postfix's smtp-source sending
# N messages of the same bytes to the same sink, and MailKit alone (no database: the outbox's ceiling), alternated for
# MADOGUCHI_BENCH_ROUNDS rounds (default 3); prints medians, slowest runs, the ratio and CPU seconds.
# Usage: bench/sending/run.sh [messages=10000]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-10000}"
for tool in /usr/sbin/smtp-sink /usr/sbin/smtp-source; do
  [ -x "$tool" ] || { echo "$tool missing: apt-get install -y postfix" >&2; exit 1; }
done
# The app runs as it is deployed (README, "Running in production"): published in Release, ReadyToRun, framework-dependent.
# MADOGUCHI_BENCH_APP=build runs the plain Release build instead (JIT only).
if [ "${MADOGUCHI_BENCH_APP:-publish}" = build ]; then
  dotnet build "$root/src/Madoguchi.Web" -c Release -v q -nologo >/dev/null
  web="$root/src/Madoguchi.Web/bin/Release/net10.0/Madoguchi.Web.dll"
else
  dotnet publish "$root/src/Madoguchi.Web" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
    -o "$root/bench/out/web" -v q -nologo >/dev/null
  web="$root/bench/out/web/Madoguchi.Web.dll"
fi
dotnet build "$root/bench/Madoguchi.Bench.Sending" -c Release -v q -nologo >/dev/null
dotnet "$root/bench/Madoguchi.Bench.Sending/bin/Release/net10.0/Madoguchi.Bench.Sending.dll" "$n" "$web"
