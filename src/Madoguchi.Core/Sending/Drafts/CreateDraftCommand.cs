using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>Starts a draft on a ticket (anyone who may write a reply: アシスタント and up); its author is the caller and it
/// begins now.</summary>
public sealed class CreateDraftCommand(MadoguchiDbContext db, ITicketChangeFeed feed, IOptions<SendingOptions> options, TimeProvider time)
{
    public async Task<Result<DraftView>> HandleAsync(Actor actor, Guid ticketId, DraftInput input, CancellationToken ct)
    {
        var work = await db.RequireWorkOnTicketAsync(actor, ticketId, ct);
        if (!work.Succeeded)
            return work.Error!;
        var (me, ticket, _) = work.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var draft = new ReplyDraft
        {
            AccountId = ticket.AccountId, InboxId = ticket.InboxId, TicketId = ticket.Id, AuthorUserId = me.Id, StartedAt = now, UpdatedAt = now,
        };
        var applied = await DraftRules.ApplyAsync(db, draft, input, ct);
        if (!applied.Succeeded)
            return applied.Error!;
        db.ReplyDrafts.Add(draft);
        await db.SaveChangesAsync(ct);
        await DraftRules.PublishAsync(feed, draft, ct);
        return await DraftRules.ViewAsync(db, options.Value, draft, me.DisplayName, ct);
    }
}
