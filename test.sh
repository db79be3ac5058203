#!/usr/bin/env bash
# Runs every test tier of Madoguchi and ends with one line: "N passed, N failed" (", N skipped" when any).
# Installs the Debian packages the tests need when they are missing (real PostgreSQL, Dovecot, Postfix, Chromium, a Japanese font,
# and prometheus for promtool, which checks /metrics).
set -uo pipefail
cd "$(dirname "$0")"

packages=(postgresql postgresql-contrib dovecot-imapd dovecot-pop3d postfix chromium fonts-ipafont-gothic prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq || { echo "apt-get update failed"; exit 1; }
  # Postfix is only a program for the tests' private instances: no system mail server is configured or started.
  if [[ " ${missing[*]} " == *" postfix "* ]]; then
    echo "postfix postfix/main_mailer_type select No configuration" | "${sudo_cmd[@]}" debconf-set-selections
  fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || { echo "Could not install ${missing[*]}"; exit 1; }
fi

results=TestResults
rm -rf "$results"
mkdir -p "$results"

dotnet tool restore >/dev/null || { echo "dotnet tool restore failed"; echo "0 passed, 1 failed"; exit 1; }
if ! dotnet build Madoguchi.slnx -nologo -clp:ErrorsOnly; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

tiers=(Madoguchi.Tests Madoguchi.IntegrationTests Madoguchi.BrowserTests)
broken=0
for tier in "${tiers[@]}"; do
  echo "== $tier"
  dotnet test "tests/$tier" --no-build -nologo \
    --logger "trx;LogFileName=$tier.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" --blame-hang-timeout 15m
  if [ ! -f "$results/$tier.trx" ]; then
    echo "$tier produced no results: counted as one failure."
    broken=$((broken + 1))
  fi
done

# Sum the <Counters> of every TRX file.
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | tr '\n' ' ' | grep -o '<Counters [^>]*>' |
    awk '{
      for (i = 1; i <= NF; i++) {
        split($i, kv, "=");
        gsub(/[^0-9]/, "", kv[2]);
        if (kv[1] == "passed") p += kv[2];
        if (kv[1] == "failed" || kv[1] == "error" || kv[1] == "timeout" || kv[1] == "aborted") f += kv[2];
        if (kv[1] == "notExecuted") s += kv[2];
      }
    } END { printf "%d %d %d\n", p, f, s }'
)
failed=$((failed + broken))
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
# In CI a skipped test is a test that did not prove anything: fail the run.
[ "${CI:-}" = "true" ] && [ "$skipped" -gt 0 ] && exit 1
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
