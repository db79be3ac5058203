using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Fetching;

public sealed record FetchNowServerResult(Guid ServerId, int Stored, int Duplicates, int Issues, int DeletedOnServer, bool Ok, ReceiveErrorText? Error, string? ErrorDetail);

public sealed record FetchNowResult(int Stored, int Duplicates, int Issues, IReadOnlyList<FetchNowServerResult> Items)
{
    public int Total => Items.Count;
}

/// <summary>"Fetch now": one pass of every receive server of the inbox, waiting for a running pass to finish first; answers with counts.</summary>
public sealed class FetchInboxNowCommand(MadoguchiDbContext db, FetchServerCommand fetch)
{
    public async Task<Result<FetchNowResult>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var ids = await db.ReceiveServers.Where(s => s.InboxId == inboxId).OrderBy(s => s.CreatedAt).Select(s => s.Id).ToListAsync(ct);
        var items = new List<FetchNowServerResult>();
        foreach (var id in ids)
        {
            var r = await fetch.HandleAsync(id, waitForLease: true, ct);
            items.Add(new FetchNowServerResult(id, r.Stored, r.Duplicates, r.Issues, r.DeletedOnServer, r.Succeeded,
                r.Failure is null ? null : ReceiveErrors.Describe(r.Failure.Code), r.Failure?.Detail));
        }
        return new FetchNowResult(items.Sum(i => i.Stored), items.Sum(i => i.Duplicates), items.Sum(i => i.Issues), items);
    }
}
