using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets.Counts;

/// <summary>Folds the delta rows of some inboxes into one row per bucket (buckets that sum to zero disappear), both the
/// bucket counts (<see cref="TicketBucketDelta"/>) and the label counts (<see cref="TicketLabelDelta"/>), in one
/// transaction, so reading a count stays a handful of rows. Answers false when another compaction was already running
/// (in this process, or on PostgreSQL in any instance): it then leaves the rows to that one.
/// <para>PostgreSQL: one statement, <c>WITH d AS (DELETE … RETURNING …) INSERT … SELECT SUM … FROM d</c>. It deletes exactly
/// the rows its snapshot sees and inserts their sum, atomically: a writer's row committed meanwhile is not in the snapshot,
/// so it is neither deleted nor summed, and stays on its own; writers only insert, so they never wait for the compaction
/// nor it for them. An advisory lock keeps two compactions from locking the same rows in different orders.</para>
/// <para>SQLite: the transaction begins IMMEDIATE (the one write lock), so no writer runs between reading the highest id,
/// inserting the sums of the rows up to it and deleting those rows.</para></summary>
public sealed class CompactTicketBucketCountsCommand(MadoguchiDbContext db)
{
    /// <summary>Any fixed number: the cluster-wide advisory lock of this compaction.</summary>
    private const long AdvisoryLock = 0x6d61646f_636e7473;

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>The kept counts' tables and the key columns their rows are summed by.</summary>
    private static readonly CountTable[] Tables =
    [
        new("TicketBucketCounts", "\"InboxId\", \"Place\", \"Status\", \"PendingReasonId\""),
        new("TicketLabelCounts", "\"InboxId\", \"LabelId\", \"Place\", \"Status\""),
    ];

    public async Task<bool> HandleAsync(IReadOnlyCollection<Guid> inboxIds, CancellationToken ct)
    {
        if (inboxIds.Count == 0 || !await OneAtATime.WaitAsync(0, ct))
            return false;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                var locked = await db.Database.SqlQueryRaw<bool>("SELECT pg_try_advisory_xact_lock({0}) AS \"Value\"", AdvisoryLock).SingleAsync(ct);
                if (!locked)
                    return false;
                foreach (var table in Tables)
                    await db.Database.ExecuteSqlRawAsync(table.PostgresFold, [inboxIds.ToArray()], ct);
            }
            else
            {
                foreach (var table in Tables)
                {
                    foreach (var inbox in inboxIds)
                    {
                        var last = await db.Database.SqlQueryRaw<long?>(table.SqliteLastId, inbox).SingleAsync(ct);
                        if (last is not null)
                            await db.Database.ExecuteSqlRawAsync(table.SqliteFold, [inbox, last.Value], ct);
                    }
                }
            }
            await transaction.CommitAsync(ct);
            return true;
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}

/// <summary>One table of kept counts and its fold statements, built from constants (never from input).</summary>
internal sealed class CountTable(string table, string keys)
{
    /// <summary>{0}: the inbox ids.</summary>
    public string PostgresFold { get; } = $$"""
        WITH d AS (DELETE FROM "{{table}}" WHERE "InboxId" = ANY({0}) RETURNING {{keys}}, "Delta")
        INSERT INTO "{{table}}" ({{keys}}, "Delta") SELECT {{keys}}, SUM("Delta") FROM d GROUP BY {{keys}} HAVING SUM("Delta") <> 0
        """;

    /// <summary>{0}: the inbox id.</summary>
    public string SqliteLastId { get; } = $$"""SELECT MAX("Id") AS "Value" FROM "{{table}}" WHERE "InboxId" = {0}""";

    /// <summary>{0}: the inbox id, {1}: the highest row id read in the same IMMEDIATE transaction.</summary>
    public string SqliteFold { get; } = $$"""
        INSERT INTO "{{table}}" ({{keys}}, "Delta") SELECT {{keys}}, SUM("Delta") FROM "{{table}}"
        WHERE "InboxId" = {0} AND "Id" <= {1} GROUP BY {{keys}} HAVING SUM("Delta") <> 0;
        DELETE FROM "{{table}}" WHERE "InboxId" = {0} AND "Id" <= {1};
        """;
}
