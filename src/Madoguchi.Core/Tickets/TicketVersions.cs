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

    /// <summary>Claims several tickets one by one in id order (two writers claiming overlapping sets never wait on each
    /// other in a circle); returns those that still exist.</summary>
    public static async Task<List<Guid>> ClaimAllAsync(MadoguchiDbContext db, IEnumerable<Guid> ticketIds, CancellationToken ct)
    {
        var claimed = new List<Guid>();
        foreach (var id in ticketIds.Distinct().Order())
        {
            if (await ClaimAsync(db, id, expected: null, ct))
                claimed.Add(id);
        }
        return claimed;
    }
}
