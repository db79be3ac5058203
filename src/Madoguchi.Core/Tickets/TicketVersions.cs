using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>Every change of a ticket starts here, inside the writer's transaction: <c>Version = Version + 1</c> in SQL, only
/// while the version still is the one the writer saw (when it names one). The row stays locked until the writer commits
/// (PostgreSQL; SQLite has one writer at a time), so writers queue on the ticket, and what a writer reads after claiming
/// is what every earlier writer committed. The version is also the ticket's concurrency token: a save that skipped the
/// claim fails instead of overwriting a change it never saw.</summary>
internal static class TicketVersions
{
    /// <summary>False when the ticket is gone or (with <paramref name="expected"/>) someone changed it since.</summary>
    public static async Task<bool> ClaimAsync(MadoguchiDbContext db, Guid ticketId, int? expected, CancellationToken ct) =>
        await db.Tickets.Where(t => t.Id == ticketId && (expected == null || t.Version == expected))
            .ExecuteUpdateAsync(x => x.SetProperty(t => t.Version, t => t.Version + 1), ct) == 1;

    /// <summary>Claims several tickets with one UPDATE and returns those that still exist. On PostgreSQL their rows are
    /// first locked in id order (two writers claiming overlapping sets never wait on each other in a circle); SQLite has
    /// one writer at a time. One statement instead of one per ticket: a first import claims hundreds per batch.</summary>
    public static async Task<List<Guid>> ClaimAllAsync(MadoguchiDbContext db, IEnumerable<Guid> ticketIds, CancellationToken ct)
    {
        var ids = ticketIds.Distinct().Order().ToArray();
        if (ids.Length == 0)
            return [];
        if (db.Database.IsNpgsql())
        {
            ids = [.. await db.Database
                .SqlQueryRaw<Guid>("SELECT \"Id\" AS \"Value\" FROM \"Tickets\" WHERE \"Id\" = ANY({0}) ORDER BY \"Id\" FOR UPDATE", ids)
                .ToListAsync(ct)];
            if (ids.Length == 0)
                return [];
        }
        await db.Tickets.Where(t => ids.Contains(t.Id))
            .ExecuteUpdateAsync(x => x.SetProperty(t => t.Version, t => t.Version + 1), ct);
        if (db.Database.IsNpgsql())
            return [.. ids];
        return await db.Tickets.Where(t => ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
    }
}
