using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>Throws a draft away: its author, or a マネージャー and up of the inbox (clearing a colleague's abandoned draft).</summary>
public sealed class DeleteDraftCommand(MadoguchiDbContext db, ITicketChangeFeed feed)
{
    public async Task<Result> HandleAsync(Actor actor, Guid ticketId, Guid draftId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var draft = await db.ReplyDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == draftId && d.TicketId == ticketId, ct);
        if (draft is null)
            return DraftRules.NotFound();
        if (draft.AuthorUserId != me.Value!.Id && access.Value.Role < InboxRole.Manager)
            return DraftRules.NotYours();
        await db.ReplyDrafts.Where(d => d.Id == draftId).ExecuteDeleteAsync(ct);
        await DraftRules.PublishAsync(feed, draft, ct);
        return Result.Ok();
    }
}
