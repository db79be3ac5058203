using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Parsing;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>A ticket with its messages, oldest first. HTML is sanitized here, at read time, with the reader's choice about
/// remote images: the stored HTML stays as sent, so a better sanitizer later improves every old message too.</summary>
public sealed class GetTicketQuery(MadoguchiDbContext db)
{
    public async Task<Result<TicketDetail>> HandleAsync(Actor actor, Guid ticketId, bool allowRemoteImages, ITicketUrls urls, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var t = access.Value.Ticket;
        var messages = await db.TicketMessages.AsNoTracking().Include(m => m.Attachments)
            .Where(m => m.TicketId == t.Id).OrderBy(m => m.Date).ThenBy(m => m.Id).AsSplitQuery().ToListAsync(ct);
        var views = messages.Select(m => ToView(m, allowRemoteImages, urls)).ToList();
        return new TicketDetail(t.Id, t.InboxId, t.Subject, t.Status, t.Place, t.MessageCount, t.LastMessageAt, t.CreatedAt, views);
    }

    internal static TicketMessageView ToView(TicketMessage m, bool allowRemoteImages, ITicketUrls urls)
    {
        var attachments = m.Attachments.OrderBy(a => a.PartIndex).ToList();
        string? html = null;
        var blocked = false;
        if (m.Html is not null)
        {
            var byContentId = attachments.Where(a => a.ContentId is not null)
                .GroupBy(a => a.ContentId!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
            var sanitized = HtmlBodySanitizer.Sanitize(m.Html,
                cid => byContentId.TryGetValue(cid, out var id) ? urls.Inline(m.Id, id) : "",
                allowRemoteImages);
            html = sanitized.Html;
            blocked = sanitized.HasBlockedRemoteContent;
        }
        var signals = Enum.GetValues<AutoReplySignals>().Where(s => s != AutoReplySignals.None && m.AutoReplySignals.HasFlag(s))
            .Select(s => JsonNamingCamel(s.ToString())).ToList();
        return new TicketMessageView(
            m.Id, m.Direction, m.MessageIdHeader, m.Subject, AddressView.FromJson(m.FromJson).FirstOrDefault(),
            AddressView.FromJson(m.ToJson), AddressView.FromJson(m.CcJson), m.Date, m.ReceivedAt, m.Text, html, blocked,
            attachments.Select(a => new AttachmentView(a.Id, a.FileName, a.ContentType, a.Size, a.ContentId, a.IsInline, urls.Attachment(m.Id, a.Id))).ToList(),
            m.ReadProblem, new AutoReplyView(m.IsAutomatic, signals, m.AutoSubmitted), m.SpamFlagged, m.Size, urls.Raw(m.Id));
    }

    private static string JsonNamingCamel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
