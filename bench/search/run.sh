#!/usr/bin/env bash
# Search latency (p50/p95 by query kind, with and without the trash/spam toggle), index size, reindex time, against
# grep -rl over the same messages as files, on SQLite and PostgreSQL. Usage: bench/search/run.sh [N=20000] [ROUNDS=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-20000}"
rounds="${2:-5}"
dotnet run -c Release --project bench/Madoguchi.Bench.Search -- -n "$n" --rounds "$rounds" --provider "${MADOGUCHI_BENCH_PROVIDER:-both}"
