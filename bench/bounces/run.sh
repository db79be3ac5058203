#!/usr/bin/env bash
# Bounce analysis benchmark: `bounces analyze --json` (published the way the README's "Running in production" installs
# Madoguchi: Release, ReadyToRun; one process over the folder, start-up included) against Sisimai (Debian
# libsisimai-perl, Sisimai->make over the same folder, perl start-up included), alternating for MADOGUCHI_BENCH_ROUNDS
# rounds (default 5). Prints each round (wall and CPU = user + system seconds), then the median and the best (minimum)
# of both, as mails per second, and the ratio Madoguchi / Sisimai. Aim: 10.
# MADOGUCHI_BENCH_COPIES=N (default 1) runs both over N copies of the folder's mails (start-up then weighs less).
# MADOGUCHI_BENCH_BUILD=release runs the plain Release build instead of the ReadyToRun publish.
# Then the steady state (MADOGUCHI_BENCH_MODE=steady for this part alone, =process for the first part alone): one
# long-lived process per tool (bench/Madoguchi.Bench.Bounces, the same BounceAnalyzer on one thread; and
# bench/bounces/sisimai-steady.pl), each analysing the whole folder once unmeasured (JIT, module loading, disk cache) and
# then MADOGUCHI_BENCH_INNER (default 5) measured times; the two processes alternate for MADOGUCHI_BENCH_ROUNDS rounds.
# Usage: bench/bounces/run.sh [folder]   (default ../shared/corpus/bounces/mail; needs apt-get install -y libsisimai-perl)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
folder="$(cd "${1:-$root/../shared/corpus/bounces/mail}" && pwd)"
rounds="${MADOGUCHI_BENCH_ROUNDS:-5}"
copies="${MADOGUCHI_BENCH_COPIES:-1}"
perl -MSisimai -e 1 2>/dev/null || { echo "Sisimai missing: apt-get install -y libsisimai-perl" >&2; exit 1; }
mode="${MADOGUCHI_BENCH_MODE:-both}"
inner="${MADOGUCHI_BENCH_INNER:-5}"
out="$(mktemp -d /tmp/madoguchi-bench-bounces.XXXXXX)"
trap 'rm -rf "$out"' EXIT
if [[ "$mode" == steady ]]; then
  dll=""
elif [[ "${MADOGUCHI_BENCH_BUILD:-publish}" == release ]]; then
  dotnet build "$root/src/Madoguchi.Web" -c Release -v q -nologo >/dev/null
  dll="$root/src/Madoguchi.Web/bin/Release/net10.0/Madoguchi.Web.dll"
else
  dotnet publish "$root/src/Madoguchi.Web" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
    -o "$out/publish" -v q -nologo >/dev/null
  dll="$out/publish/Madoguchi.Web.dll"
fi
if (( copies > 1 )); then
  mkdir "$out/mail"
  for c in $(seq 1 "$copies"); do
    find "$folder" -maxdepth 1 -type f ! -name '.*' -exec sh -c 'd=$1 c=$2; shift 2; for f; do cp "$f" "$d/c$c-${f##*/}"; done' sh "$out/mail" "$c" {} +
  done
  folder="$out/mail"
fi
files=$(find "$folder" -maxdepth 1 -type f ! -name '.*' | wc -l)
madoguchi=(dotnet "$dll" bounces analyze "$folder" --json)
sisimai=(perl -MSisimai -e 'my $v = Sisimai->make($ARGV[0], "vacation" => 1) || []; printf "%d\n", scalar @$v;' "$folder")

run() { # name -> "wall cpu"
  local name=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$out/time" "$@" >"$out/$name.out"
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$out/time"
}

if [[ "$mode" != steady ]]; then
# One warm-up of each (disk cache), not counted.
run madoguchi "${madoguchi[@]}" >/dev/null; run sisimai "${sisimai[@]}" >/dev/null
echo "files: $files   Madoguchi: $(grep -c '"class":"bounce"' "$out/madoguchi.out") bounces   Sisimai: $(cat "$out/sisimai.out") results"
printf '%-6s %24s %24s  %s\n' round "madoguchi wall / cpu s" "sisimai wall / cpu s" "load average (1 5 15)"
results="$out/results"
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then
    read -r mw mc < <(run madoguchi "${madoguchi[@]}"); read -r sw sc < <(run sisimai "${sisimai[@]}")
  else
    read -r sw sc < <(run sisimai "${sisimai[@]}"); read -r mw mc < <(run madoguchi "${madoguchi[@]}")
  fi
  echo "$mw $mc $sw $sc" >>"$results"
  printf '%-6s %24s %24s  %s\n' "$round" "$mw / $mc" "$sw / $sc" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 - "$files" "$results" <<'PY'
import statistics, sys
files = int(sys.argv[1])
rows = [list(map(float, line.split())) for line in open(sys.argv[2])]
for measure, mi, si in (("wall", 0, 2), ("cpu", 1, 3)):
    for label, pick in (("median", statistics.median), ("best", min)):
        m = pick(r[mi] for r in rows); s = pick(r[si] for r in rows)
        print(f"{measure:4} {label:6}  madoguchi {m:7.3f} s = {files/m:8.1f} mails/s   sisimai {s:7.3f} s = {files/s:8.1f} mails/s   ratio {s/m:5.2f}")
PY
fi

if [[ "$mode" != process ]]; then
  echo
  echo "steady state: $inner measured passes over $files files per process, after one unmeasured pass; $rounds alternating rounds"
  dotnet build "$root/bench/Madoguchi.Bench.Bounces" -c Release -v q -nologo >/dev/null
  bench="$root/bench/Madoguchi.Bench.Bounces/bin/Release/net10.0/Madoguchi.Bench.Bounces.dll"
  : >"$out/steady"
  for round in $(seq 1 "$rounds"); do
    for tool in $( (( round % 2 )) && echo "madoguchi sisimai" || echo "sisimai madoguchi"); do
      if [[ $tool == madoguchi ]]; then dotnet "$bench" "$folder" "$inner" >"$out/$tool.steady"
      else perl "$root/bench/bounces/sisimai-steady.pl" "$folder" "$inner" >"$out/$tool.steady"; fi
      awk -v t="$tool" '$1 == "round" {print t, $4, $6}' "$out/$tool.steady" >>"$out/steady"
    done
    printf 'round %s done  load average %s\n' "$round" "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
  python3 - "$files" "$out/steady" <<'PY'
import statistics, sys
files = int(sys.argv[1])
rows = [line.split() for line in open(sys.argv[2])]
get = lambda tool, col: [float(r[col]) for r in rows if r[0] == tool]
print("steady state, per pass over the folder (one thread each; start-up and first pass excluded):")
for measure, col in (("wall", 1), ("cpu", 2)):
    for label, pick in (("median", statistics.median), ("best", min)):
        m = pick(get("madoguchi", col)); s = pick(get("sisimai", col))
        print(f"{measure:4} {label:6}  madoguchi {m:7.3f} s = {files/m:8.1f} mails/s   sisimai {s:7.3f} s = {files/s:8.1f} mails/s   ratio {s/m:5.2f}")
PY
fi
