using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>The ticket's drafts, last saved first, for anyone who sees the ticket (the team sees who is writing what).</summary>
public sealed class ListDraftsQuery(MadoguchiDbContext db, IOptions<SendingOptions> options)
{
    public async Task<Result<IReadOnlyList<DraftView>>> HandleAsync(Actor actor, Guid ticketId, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var rows = await db.ReplyDrafts.AsNoTracking().Where(d => d.TicketId == ticketId)
            .Join(db.Users, d => d.AuthorUserId, u => u.Id, (d, u) => new { Draft = d, u.FamilyName, u.GivenName })
            .ToListAsync(ct);
        var attachments = await DraftRules.AttachmentsAsync(db, options.Value, [.. rows.Select(r => r.Draft.Id)], ct);
        return rows.OrderByDescending(r => r.Draft.UpdatedAt).ThenBy(r => r.Draft.Id)
            .Select(r => DraftRules.View(r.Draft, $"{r.FamilyName} {r.GivenName}", [.. attachments[r.Draft.Id]])).ToList();
    }
}
