#!/usr/bin/env python3
"""Fills a Madoguchi SQLite database with 90 days of probe history (one result per component per minute, a few outages)
and one open incident, so the benchmark's status page shows what a long-running installation shows."""
import datetime, random, sqlite3, sys, uuid

db = sqlite3.connect(sys.argv[1], timeout=30)
days = int(sys.argv[2]) if len(sys.argv) > 2 else 90
now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
start = now - datetime.timedelta(days=days)
fmt = lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f") + "0"
rng = random.Random(10)
rows = []
t = start
while t < now:
    for component in range(6):  # Web, Database, Storage, Receiving, Sending, Search
        # About one bad hour a week per component.
        state = 3 if (t.hour == 3 and t.day % 7 == component) else (1 if rng.random() < 0.001 else 0)
        rows.append((str(uuid.UUID(int=rng.getrandbits(128))).upper(), component, state, fmt(t)))
    t += datetime.timedelta(minutes=1)
db.executemany('INSERT INTO "ProbeResults" ("Id", "Component", "State", "CheckedAt") VALUES (?, ?, ?, ?)', rows)
incident = str(uuid.uuid4()).upper()
opened = now - datetime.timedelta(minutes=30)
db.execute('INSERT INTO "Incidents" ("Id", "Title", "Impact", "Status", "CreatedAt", "UpdatedAt") VALUES (?, ?, ?, ?, ?, ?)',
           (incident, "メール受信の遅延", "Minor", "Identified", fmt(opened), fmt(opened)))
db.execute('INSERT INTO "IncidentComponents" ("IncidentId", "Component", "State") VALUES (?, ?, ?)', (incident, "Receiving", "DegradedPerformance"))
for minutes, status, text in ((30, "Investigating", "一部の受信箱でメールの取り込みが遅れています。調査しています。"), (10, "Identified", "原因を特定しました。対応しています。")):
    db.execute('INSERT INTO "IncidentUpdates" ("Id", "IncidentId", "Status", "Message", "CreatedAt") VALUES (?, ?, ?, ?, ?)',
               (str(uuid.uuid4()).upper(), incident, status, text, fmt(now - datetime.timedelta(minutes=minutes))))
db.commit()
print(f"seeded {len(rows)} probe results over {days} days and one open incident")
