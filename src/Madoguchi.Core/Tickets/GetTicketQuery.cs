using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>A ticket with its messages, oldest first. HTML is sanitized here, at read time, with the reader's choice about
/// remote images: the stored HTML stays as sent, so a better sanitizer later improves every old message too. A received
/// message whose original file is missing or has the wrong size (one stat per message) says so in its readProblem.</summary>
public sealed class GetTicketQuery(MadoguchiDbContext db, IBlobStore blobs)
{
    public async Task<Result<TicketDetail>> HandleAsync(Actor actor, Guid ticketId, bool allowRemoteImages, ITicketUrls urls, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var t = access.Value.Ticket;
        var messages = await db.TicketMessages.AsNoTracking().Include(m => m.Attachments)
            .Where(m => m.TicketId == t.Id).OrderBy(m => m.Date).ThenBy(m => m.Id).AsSplitQuery().ToListAsync(ct);
        var damaged = await DamagedOriginalsAsync(messages, ct);
        var views = messages.Select(m => ToView(m, allowRemoteImages, urls))
            .Select(v => damaged.TryGetValue(v.Id, out var problem) ? v with { ReadProblem = v.ReadProblem is null ? problem : $"{problem} {v.ReadProblem}" } : v)
            .ToList();
        var sending = await Sending.OutboxStatus.ForAsync(db, messages.Where(m => m.Direction == MessageDirection.Sent).Select(m => m.Id).ToList(), ct);
        views = [.. views.Select(v => sending.TryGetValue(v.Id, out var s) ? v with { SendState = s.State, SendError = s.Error, NextAttemptAt = s.NextAttemptAt, SentCopy = s.SentCopy } : v)];
        var labelIds = await db.TicketLabels.AsNoTracking().Where(x => x.TicketId == t.Id).Select(x => x.LabelId).OrderBy(x => x).ToListAsync(ct);
        return new TicketDetail(t.Id, t.InboxId, t.Subject, t.Status, t.Place, t.MessageCount, t.LastMessageAt, t.CreatedAt, views,
            t.AssigneeId, t.PendingReasonId, labelIds, t.Version);
    }

    /// <summary>Messages whose original is not at its address with its size, and what is wrong with it.</summary>
    private async Task<Dictionary<Guid, string>> DamagedOriginalsAsync(List<TicketMessage> messages, CancellationToken ct)
    {
        var rawIds = messages.Where(m => m.RawMessageId is not null).Select(m => m.RawMessageId!.Value).ToList();
        var damaged = new Dictionary<Guid, string>();
        if (rawIds.Count == 0)
            return damaged;
        var originals = await db.RawMessages.AsNoTracking().Where(r => rawIds.Contains(r.Id))
            .Select(r => new { r.Id, r.BlobHash, r.Size }).ToDictionaryAsync(r => r.Id, ct);
        foreach (var m in messages)
        {
            if (m.RawMessageId is not { } rawId || !originals.TryGetValue(rawId, out var raw))
                continue;
            var condition = await blobs.CheckAsync(raw.BlobHash, raw.Size, verifyContent: false, ct);
            if (condition != BlobCondition.Intact)
                damaged[m.Id] = DamagedBlobException.Describe(condition);
        }
        return damaged;
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
            m.ReadProblem, new AutoReplyView(m.IsAutomatic, signals, m.AutoSubmitted), m.SpamFlagged, m.Size, urls.Raw(m.Id),
            m.IsBounceReport, Bounces.MessageBounce.FromJson(m.BounceJson));
    }

    private static string JsonNamingCamel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
