using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>A reply sent back (差し戻し) as its author edits it again: recipients as "Name &lt;address&gt;" and the text.</summary>
public sealed record RejectedReplyView(Guid Id, IReadOnlyList<string> To, IReadOnlyList<string> Cc, IReadOnlyList<string> Bcc, string Subject, string? Text);

/// <summary>For 書き直して再提出 on the ticket: the reply when the person is its author and it is 差し戻し; null otherwise
/// (another person's reply, or not sent back), so the button shows only to whoever <see cref="ResubmitReplyCommand"/> accepts.</summary>
public sealed class GetRejectedReplyQuery(MadoguchiDbContext db)
{
    public async Task<Result<RejectedReplyView?>> HandleAsync(Actor actor, Guid messageId, CancellationToken ct)
    {
        var found = await OutboxAccess.RequireAsync(db, actor, messageId, InboxRole.Assistant, ct);
        if (!found.Succeeded)
            return found.Error!;
        var message = found.Value!;
        var outgoing = await db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == messageId, ct);
        if (outgoing.State != SendState.Rejected || outgoing.AuthorUserId != actor.Id)
            return (RejectedReplyView?)null;
        var to = AddressView.FromJson(message.ToJson);
        var cc = AddressView.FromJson(message.CcJson);
        var shown = to.Concat(cc).Select(a => a.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new RejectedReplyView(message.Id, [.. to.Select(Format)], [.. cc.Select(Format)],
            [.. outgoing.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(a => !shown.Contains(a))], message.Subject, message.Text);
    }

    private static string Format(AddressView a) => new MailboxAddress(a.Name, a.Address).ToString();
}
