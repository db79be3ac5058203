using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>One outbox write at a time in this instance, on SQLite only. SQLite has one write lock for the whole database,
/// and a writer that finds it taken sleeps in growing steps (1, 2, 5, 10 … ms) before it looks again: the outbox's
/// connections, each claiming its messages and writing their outcomes, kept waking each other up late. Queued here
/// instead, the next writer starts the moment the last one commits (outcome writes a third shorter, 40 % more messages
/// a second at 4 connections: bench/README.md, "Sending"). PostgreSQL locks rows, so its writers go on in parallel.</summary>
public sealed class OutboxWriteGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Waits for the gate on SQLite (nothing to wait for on PostgreSQL); dispose the result to let the next one in.</summary>
    public async Task<IDisposable> EnterAsync(MadoguchiDbContext db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            return Open.Instance;
        await _gate.WaitAsync(ct);
        return new Held(_gate);
    }

    private sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                gate.Release();
        }
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();

        public void Dispose()
        {
        }
    }
}
