#!/usr/bin/env python3
"""How much SQLite log a batch of search postings writes, with random or time-ordered document keys.

Usage: bench/search/postings-key-order.py <mailbox folder from gen-mailbox.py> [documents=95000]
Builds the postings (distinct pairs of adjacent characters, roughly as SearchText folds) of the mailbox's messages, fills
a SearchPostings table like the app's with the first <documents>, then writes five batches of 500 more as the app's
indexer does (sorted, one statement per 100,000 postings, one transaction) and prints the log growth and time of each.
Runs random keys, time-ordered keys, and time-ordered keys in a WITHOUT ROWID table one after the other (bench/README.md, "Search postings and the order of document keys")."""
import email, json, os, random, re, sqlite3, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor
from email import policy


def grams(path):
    try:
        m = email.message_from_bytes(open(path, 'rb').read(), policy=policy.default)
        parts = [str(m.get(h, '')) for h in ('subject', 'from', 'to')]
        for p in m.walk():
            if p.get_content_maintype() == 'text':
                try:
                    parts.append(p.get_content())
                except Exception:
                    pass
        t = re.sub(r'\s+', ' ', ' '.join(parts).lower())
        return sorted({ord(t[i]) << 16 | ord(t[i + 1]) for i in range(len(t) - 1) if t[i] != ' ' and t[i + 1] != ' '})
    except Exception:
        return []


def run(kind, docs, filled, folder):
    db = os.path.join(folder, f'{kind}.db')
    c = sqlite3.connect(db, isolation_level=None)
    for pragma in ('journal_mode=wal', 'synchronous=full', 'wal_autocheckpoint=0', 'temp_store=memory'):
        c.execute('pragma ' + pragma)
    c.execute('CREATE TABLE "SearchPostings" ("Gram" INTEGER NOT NULL, "DocumentKey" INTEGER NOT NULL, '
              'CONSTRAINT "PK_SearchPostings" PRIMARY KEY ("Gram", "DocumentKey"))' + (' WITHOUT ROWID' if kind.endswith('without-rowid') else ''))
    rnd = random.Random(1)
    # Time-ordered: one message every 2 ms (an import's pace) above 20 random bits, as DocumentKey does.
    keys = [rnd.getrandbits(63) if kind == 'random' else (1_700_000_000_000 + 2 * i) << 20 | rnd.getrandbits(20) for i in range(len(docs))]

    def write(batch):
        rows = sorted((g, keys[d]) for d in batch for g in docs[d])
        c.execute('begin')
        for i in range(0, len(rows), 100_000):
            c.execute('INSERT INTO "SearchPostings" ("Gram", "DocumentKey") SELECT value ->> 0, value ->> 1 FROM json_each(?) '
                      'WHERE true ON CONFLICT DO NOTHING', (json.dumps(rows[i:i + 100_000]),))
        c.execute('commit')

    started = time.time()
    for s in range(0, filled, 5000):
        write(range(s, min(filled, s + 5000)))
        c.execute('pragma wal_checkpoint(truncate)')
    print(f'{kind}: filled {filled:,} documents in {time.time() - started:.1f} s, database {os.path.getsize(db) / 2**20:,.0f} MB', flush=True)
    for b in range(5):
        first = filled + b * 500
        before, started = os.path.getsize(db + '-wal'), time.time()
        write(range(first, first + 500))
        print(f'{kind}: batch {b + 1}: log +{(os.path.getsize(db + "-wal") - before) / 2**20:.1f} MB in {time.time() - started:.2f} s', flush=True)
    c.close()


if __name__ == '__main__':
    mailbox, filled = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 95_000
    files = sorted(os.listdir(os.path.join(mailbox, 'eml')))[:filled + 2500]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        docs = list(pool.map(grams, [os.path.join(mailbox, 'eml', f) for f in files], chunksize=500))
    if len(docs) < filled + 2500:
        sys.exit(f'{mailbox} has {len(docs):,} messages: at least {filled + 2500:,} are needed')
    print(f'{len(docs):,} messages, {sum(map(len, docs)):,} postings', flush=True)
    with tempfile.TemporaryDirectory(dir='/var/tmp') as folder:
        for kind in ('random', 'ordered', 'ordered-without-rowid'):
            run(kind, docs, filled, folder)
