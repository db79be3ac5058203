using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Inboxes;

public sealed record InboxRef(Guid Id, string Name);

/// <summary>An inbox named by its id or its name, in whichever account (from the server console:
/// <c>messages reprocess --inbox X</c>). A name several inboxes share is refused with their ids.</summary>
public sealed class ResolveInboxQuery(MadoguchiDbContext db)
{
    public async Task<Result<InboxRef>> HandleAsync(string idOrName, CancellationToken ct)
    {
        var matches = Guid.TryParse(idOrName, out var id)
            ? await db.Inboxes.AsNoTracking().Where(i => i.Id == id).Select(i => new InboxRef(i.Id, i.Name)).ToListAsync(ct)
            : await db.Inboxes.AsNoTracking().Where(i => i.Name == idOrName).Select(i => new InboxRef(i.Id, i.Name)).ToListAsync(ct);
        return matches.Count switch
        {
            0 => new Error(ErrorKind.NotFound, "inbox_not_found", $"There is no inbox {idOrName}."),
            1 => matches[0],
            _ => new Error(ErrorKind.Conflict, "inbox_ambiguous",
                $"{matches.Count} inboxes are named {idOrName}; give the id: {string.Join(", ", matches.Select(m => m.Id))}."),
        };
    }
}
