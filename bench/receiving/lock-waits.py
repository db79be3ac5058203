#!/usr/bin/env python3
"""Where the receive path waits for SQLite's single writer, from a child log of the receiving bench.

Run the bench with the transaction events and the fetcher's commits logged (names with dots need `env`):

  env 'Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Transaction=Debug' \
      'Logging__LogLevel__Madoguchi.Core.Receiving.Fetching=Debug' MADOGUCHI_BENCH_CHILD_LOG=/tmp/child.log \
      MADOGUCHI_BENCH_ONLY=imap ... dotnet bench/Madoguchi.Bench/bin/Release/net10.0/Madoguchi.Bench.dll ...
  python3 bench/receiving/lock-waits.py /tmp/child.log

For each Madoguchi run in the log (A/B runs alternate A, B, A, B ...) it prints, for the fetcher's commits and for the
other transactions (the pipeline's), how many there were, the seconds spent between "Beginning transaction" and "Began
transaction" (SQLite transactions begin IMMEDIATE, so this is the wait for the write lock) and the seconds the lock was
held (began to committed). Approximate: the log lines carry no thread, so a transaction is counted as the fetcher's when
the fetcher's "committed N new" line follows its commit, and two waiting at once can be paired wrongly. Times are when
the bench read the lines, so compare runs, not single transactions.
"""
import re
import sys


def runs(lines):
    current = []
    for line in lines:
        if 'Mail fetch worker started' in line and current:
            yield current
            current = []
        current.append(line)
    yield current


def events(run):
    for line in run:
        m = re.match(r'\s*([\d.]+)\s+(\S.*)', line)
        if not m:
            continue
        t, text = float(m.group(1)), m.group(2)
        if 'Beginning transaction' in text:
            yield t, 'begin'
        elif 'Began transaction' in text:
            yield t, 'began'
        elif 'Committed transaction' in text:
            yield t, 'committed'
        elif re.search(r'committed \d+ new,', text):
            yield t, 'fetch'


def main(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().splitlines()
    number = 0
    for run in runs(lines):
        ev = list(events(run))
        fetches = [t for t, k in ev if k == 'fetch']
        if not fetches:
            continue
        number += 1
        totals = {'fetch': [0, 0.0, 0.0], 'other': [0, 0.0, 0.0]}
        begin = began = None
        for i, (t, kind) in enumerate(ev):
            if kind == 'begin':
                begin = t
            elif kind == 'began':
                began = t
            elif kind == 'committed' and begin is not None and began is not None:
                who = 'fetch' if any(k == 'fetch' for _, k in ev[i + 1:i + 3]) else 'other'
                totals[who][0] += 1
                totals[who][1] += max(0.0, began - begin)
                totals[who][2] += t - began
        print(f'run {number}: fetch from first to last commit {fetches[-1] - fetches[0]:.1f} s | '
              + ' | '.join(f'{who}: {n} transactions, waited {w:.1f} s, held {h:.1f} s' for who, (n, w, h) in totals.items()))


if __name__ == '__main__':
    main(sys.argv[1])
