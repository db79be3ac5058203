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
                await db.Database.ExecuteSqlRawAsync(
                    """
                    WITH d AS (
                        DELETE FROM "TicketBucketCounts" WHERE "InboxId" = ANY({0})
                        RETURNING "InboxId", "Place", "Status", "PendingReasonId", "Delta")
                    INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta")
                    SELECT "InboxId", "Place", "Status", "PendingReasonId", SUM("Delta") FROM d
                    GROUP BY "InboxId", "Place", "Status", "PendingReasonId" HAVING SUM("Delta") <> 0
                    """, [inboxIds.ToArray()], ct);
                await db.Database.ExecuteSqlRawAsync(
                    """
                    WITH d AS (
                        DELETE FROM "TicketLabelCounts" WHERE "InboxId" = ANY({0})
                        RETURNING "InboxId", "LabelId", "Place", "Status", "Delta")
                    INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                    SELECT "InboxId", "LabelId", "Place", "Status", SUM("Delta") FROM d
                    GROUP BY "InboxId", "LabelId", "Place", "Status" HAVING SUM("Delta") <> 0
                    """, [inboxIds.ToArray()], ct);
            }
            else
            {
                foreach (var inbox in inboxIds)
                {
                    var last = await db.TicketBucketCounts.Where(d => d.InboxId == inbox).MaxAsync(d => (long?)d.Id, ct);
                    if (last is null)
                        continue;
                    await db.Database.ExecuteSqlRawAsync(
                        """
                        INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta")
                        SELECT "InboxId", "Place", "Status", "PendingReasonId", SUM("Delta") FROM "TicketBucketCounts"
                        WHERE "InboxId" = {0} AND "Id" <= {1}
                        GROUP BY "InboxId", "Place", "Status", "PendingReasonId" HAVING SUM("Delta") <> 0;
                        DELETE FROM "TicketBucketCounts" WHERE "InboxId" = {0} AND "Id" <= {1};
                        """, [inbox, last.Value], ct);
                }
                foreach (var inbox in inboxIds)
                {
                    var last = await db.TicketLabelCounts.Where(d => d.InboxId == inbox).MaxAsync(d => (long?)d.Id, ct);
                    if (last is null)
                        continue;
                    await db.Database.ExecuteSqlRawAsync(
                        """
                        INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                        SELECT "InboxId", "LabelId", "Place", "Status", SUM("Delta") FROM "TicketLabelCounts"
                        WHERE "InboxId" = {0} AND "Id" <= {1}
                        GROUP BY "InboxId", "LabelId", "Place", "Status" HAVING SUM("Delta") <> 0;
                        DELETE FROM "TicketLabelCounts" WHERE "InboxId" = {0} AND "Id" <= {1};
                        """, [inbox, last.Value], ct);
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
