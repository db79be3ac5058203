using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>A reply that went out (or was queued, or waits for approval) on the ticket after a draft began: who, when.</summary>
public sealed record SentMeanwhileReply(Guid MessageId, Guid? AuthorId, string? AuthorName, DateTime At, SendState SendState);

/// <summary>Duplicate-reply prevention at send time (重複返信の防止): the replies written on the ticket since a draft began.
/// Cancelled and sent-back (差し戻し) replies never reached the customer and do not count.</summary>
public static class SentMeanwhile
{
    public const string Code = "reply_sent_meanwhile";

    internal static async Task<IReadOnlyList<SentMeanwhileReply>> FindAsync(MadoguchiDbContext db, Guid ticketId, DateTime since, CancellationToken ct)
    {
        var rows = await db.TicketMessages.AsNoTracking()
            .Where(m => m.TicketId == ticketId && m.Direction == MessageDirection.Sent && m.ReceivedAt > since)
            .Join(db.OutgoingMessages, m => m.Id, o => o.TicketMessageId, (m, o) => new { m.Id, m.ReceivedAt, o.State, o.AuthorUserId })
            .Where(x => x.State != SendState.Cancelled && x.State != SendState.Rejected)
            .GroupJoin(db.Users, x => x.AuthorUserId, u => u.Id, (x, users) => new { x, users })
            .SelectMany(g => g.users.DefaultIfEmpty(), (g, u) => new { g.x.Id, g.x.ReceivedAt, g.x.State, g.x.AuthorUserId, u!.FamilyName, u.GivenName })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.ReceivedAt)
            .Select(r => new SentMeanwhileReply(r.Id, r.AuthorUserId, r.FamilyName is null ? null : $"{r.FamilyName} {r.GivenName}", r.ReceivedAt, r.State)).ToList();
    }

    /// <summary>409 naming who replied and when, unless the client confirms.</summary>
    internal static Error Conflict(IReadOnlyList<SentMeanwhileReply> replies)
    {
        var who = string.Join(", ", replies.Select(r => $"{r.AuthorName ?? "someone"} ({r.At:yyyy-MM-dd HH:mm} UTC)"));
        var whoJa = string.Join("、", replies.Select(r => $"{r.AuthorName ?? "ほかのユーザ"}（{r.At:yyyy-MM-dd HH:mm} UTC）"));
        return new Error(ErrorKind.Conflict, Code,
            $"Another reply was sent on this ticket since you began this one: {who}. Read it first, or send with confirmSentMeanwhile: true. / "
            + $"この返信を書き始めてから、ほかの返信が送信されました: {whoJa}。内容を確認のうえ送信してください。")
        {
            Extensions = new Dictionary<string, object?> { ["replies"] = replies },
        };
    }
}
