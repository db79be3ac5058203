using System.Globalization;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Storage;

/// <summary>Keeps a blob file from being deleted while a transaction is about to point a row at it. Blobs are
/// content-addressed, so a new message may reuse the very file the eraser is removing for a deleted one. Writers take a
/// shared lock on each blob they point at, check the file is there (and write it again if not) and hold the lock until
/// they commit; the eraser takes an exclusive lock, checks that no committed row points at the blob, deletes the file and
/// commits. On PostgreSQL these are transaction-level advisory locks (taken in key order, so no two callers wait on each
/// other in a circle); SQLite has one writing transaction at a time (they begin IMMEDIATE), which already orders the two.</summary>
internal static class BlobLocks
{
    /// <summary>The advisory lock "class" of blob locks, so they never meet other advisory locks.</summary>
    private const int LockClass = 0x626c6f62; // "blob"

    public static Task LockSharedAsync(MadoguchiDbContext db, IEnumerable<string> hashes, CancellationToken ct) =>
        LockAsync(db, hashes, "pg_advisory_xact_lock_shared", ct);

    public static Task LockExclusiveAsync(MadoguchiDbContext db, IEnumerable<string> hashes, CancellationToken ct) =>
        LockAsync(db, hashes, "pg_advisory_xact_lock", ct);

    private static async Task LockAsync(MadoguchiDbContext db, IEnumerable<string> hashes, string function, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
            return;
        var keys = hashes.Select(Key).Distinct().Order().ToArray();
        if (keys.Length == 0)
            return;
        // PostgreSQL evaluates a volatile function of the select list after the sort: the locks are taken in key order.
#pragma warning disable EF1002 // The function name is one of two constants; the keys are a parameter.
        await db.Database.ExecuteSqlRawAsync($"SELECT {function}({LockClass}, k) FROM unnest({{0}}) AS k ORDER BY k", [keys], ct);
#pragma warning restore EF1002
    }

    /// <summary>The first 32 bits of the SHA-256: two blobs sharing a key only wait for each other.</summary>
    private static int Key(string hash) => int.Parse(hash.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
