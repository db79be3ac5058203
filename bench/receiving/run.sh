#!/usr/bin/env bash
# Receiving benchmark: Madoguchi over IMAP, over POP3, and mbsync, on the same mailbox from one private Dovecot,
# alternated (IMAP, mbsync, POP3, mbsync) for MADOGUCHI_BENCH_ROUNDS rounds (default 3), after an untimed warm-up of Dovecot;
# prints medians, slowest runs and ratios, for the import (from the receive server added to a running Madoguchi) and the
# whole run (from process start).
# Usage: bench/receiving/run.sh [messages=10000]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-10000}"
mailbox="${MADOGUCHI_BENCH_MAILBOX:-/var/tmp/madoguchi-bench-mailbox-$n}"
command -v mbsync >/dev/null || { echo "mbsync missing: apt-get install -y isync" >&2; exit 1; }
if [ ! -f "$mailbox/manifest.jsonl" ]; then
  generator="$root/../shared/tools/gen-mailbox.py"
  [ -f "$generator" ] || { echo "The mailbox generator $generator is missing: it lives in ../shared beside the clone." >&2; exit 1; }
  python3 "$generator" -n "$n" --out "$mailbox"
fi
# The app runs as it is deployed (README, "Running in production"): published in Release, precompiled (ReadyToRun) for
# this machine's runtime, framework-dependent. MADOGUCHI_BENCH_APP=build runs the plain Release build instead (JIT only).
if [ "${MADOGUCHI_BENCH_APP:-publish}" = build ]; then
  dotnet build "$root/src/Madoguchi.Web" -c Release -v q -nologo >/dev/null
  web="$root/src/Madoguchi.Web/bin/Release/net10.0/Madoguchi.Web.dll"
else
  dotnet publish "$root/src/Madoguchi.Web" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
    -o "$root/bench/out/web" -v q -nologo >/dev/null
  web="$root/bench/out/web/Madoguchi.Web.dll"
fi
dotnet build "$root/bench/Madoguchi.Bench" -c Release -v q -nologo >/dev/null
dotnet "$root/bench/Madoguchi.Bench/bin/Release/net10.0/Madoguchi.Bench.dll" "$mailbox" "$web"
