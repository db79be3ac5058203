using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>A From address as the reply box offers it: no server settings.</summary>
public sealed record ReplyFromView(Guid Id, string Address, string DisplayName, bool IsDefault);

/// <summary>What the reply box starts with: the inbox's From addresses (default first) and the customer to answer
/// (Reply-To of the latest received message when present, else its From: the rule <see cref="QueueReplyCommand"/> applies).
/// <see cref="NeedsApproval"/>: the person is an アシスタント, whose reply waits for approval (承認待ち);
/// <see cref="CanApprove"/>: マネージャー or higher, who approve or send back such replies.</summary>
public sealed record ReplyDefaultsView(IReadOnlyList<ReplyFromView> From, IReadOnlyList<AddressView> To, bool NeedsApproval = false, bool CanApprove = false);

/// <summary>For the reply box: anyone who may write a reply (アシスタント or higher; an アシスタント's waits for approval),
/// like <see cref="QueueReplyCommand"/>.</summary>
public sealed class GetReplyDefaultsQuery(MadoguchiDbContext db)
{
    public async Task<Result<ReplyDefaultsView>> HandleAsync(Actor actor, Guid ticketId, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var (ticket, role) = access.Value;
        var from = await db.SendAddresses.AsNoTracking().Where(a => a.InboxId == ticket.InboxId)
            .OrderByDescending(a => a.IsDefault).ThenBy(a => a.CreatedAt)
            .Select(a => new ReplyFromView(a.Id, a.Address, a.DisplayName, a.IsDefault)).ToListAsync(ct);
        var original = await db.TicketMessages.AsNoTracking().Where(m => m.TicketId == ticket.Id && m.Direction == MessageDirection.Received)
            .OrderByDescending(m => m.Date).ThenByDescending(m => m.Id).Select(m => new { m.ReplyToJson, m.FromJson }).FirstOrDefaultAsync(ct);
        IReadOnlyList<AddressView> to = [];
        if (original is not null)
        {
            var replyTo = AddressView.FromJson(original.ReplyToJson);
            to = replyTo.Count > 0 ? replyTo : AddressView.FromJson(original.FromJson);
        }
        return new ReplyDefaultsView(from, to, NeedsApproval: role < InboxRole.Operator, CanApprove: role >= InboxRole.Manager);
    }
}
