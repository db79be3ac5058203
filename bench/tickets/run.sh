#!/usr/bin/env bash
# The ticket list's server time (p50/p99 per call: GET /api/v1/tickets for every tab, sort, filter, a deep page, and the
# left navigation's bucket counts) on an inbox of N tickets under C concurrent clients, on SQLite and PostgreSQL.
# Usage: bench/tickets/run.sh [N=100000] [CLIENTS=20] [ROUNDS=5]   (MADOGUCHI_BENCH_PROVIDER=sqlite|postgres for one;
# MADOGUCHI_BENCH_EXPLAIN=1 prints the query plans of the main lists first)
set -euo pipefail
cd "$(dirname "$0")/../.."
explain=()
[[ "${MADOGUCHI_BENCH_EXPLAIN:-}" == 1 ]] && explain=(--explain)
dotnet run -c Release --project bench/Madoguchi.Bench.Tickets -- -n "${1:-100000}" --clients "${2:-20}" --rounds "${3:-5}" \
  --provider "${MADOGUCHI_BENCH_PROVIDER:-both}" "${explain[@]}"
