using System.Text.Json;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Writes the ticket, the message and its attachments. A new message opens a ticket or joins the one threading
/// found, and puts it back in 未対応; re-running on an original replaces its message in place (same id, same ticket).</summary>
internal sealed class StoreStep(MadoguchiDbContext db, ThreadIndex threads) : IInboundStep
{
    private const int MaxSubject = 1000;
    private const int MaxName = 300;
    private const int MaxAddress = 320;

    public int Order => InboundStepOrder.Store;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    public async Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        var raw = message.Raw;
        var parsed = message.Parsed;
        var ticket = message.ThreadTicketId is { } ticketId
            ? await db.Tickets.FindAsync([ticketId], ct)
            : null;
        var isNew = message.Previous is null;

        if (ticket is null)
        {
            ticket = new Ticket
            {
                AccountId = raw.AccountId,
                InboxId = raw.InboxId,
                Subject = Cut(parsed.Subject, MaxSubject),
                Status = TicketStatus.Open,
                Place = message.Place,
                CreatedAt = raw.ReceivedAt,
                LastMessageAt = raw.ReceivedAt,
                Version = 1,
            };
            db.Tickets.Add(ticket);
        }

        var stored = message.Previous ?? new TicketMessage
        {
            Id = message.NewMessageId ?? Ids.New(),
            AccountId = raw.AccountId,
            RawMessageId = raw.Id,
            Direction = MessageDirection.Received,
            MessageIdHeader = "",
        };
        stored.TicketId = ticket.Id;
        stored.InboxId = ticket.InboxId;
        stored.MessageIdHeader = Cut(parsed.MessageId, 998);
        stored.InReplyTo = parsed.InReplyTo is { } inReplyTo ? Cut(inReplyTo, 998) : null;
        stored.References = parsed.References.Count == 0 ? null : string.Join(' ', parsed.References);
        stored.Subject = Cut(parsed.Subject, MaxSubject);
        stored.FromJson = Json(parsed.From);
        stored.ToJson = Json(parsed.To);
        stored.CcJson = Json(parsed.Cc);
        stored.ReplyToJson = Json(parsed.ReplyTo);
        stored.Date = parsed.Date ?? raw.ReceivedAt;
        stored.ReceivedAt = raw.ReceivedAt;
        stored.Text = parsed.Text;
        stored.Html = parsed.Html;
        stored.ReadProblem = parsed.ReadProblem is { } problem ? Cut(problem, 2000) : null;
        stored.AutoReplySignals = parsed.AutoReply.Signals;
        stored.AutoSubmitted = parsed.AutoReply.AutoSubmitted is { } autoSubmitted ? Cut(autoSubmitted, 200) : null;
        stored.SpamFlagged = parsed.SpamFlagged;
        stored.IsBounceReport = message.Bounce is not null;
        stored.Size = raw.Size;

        if (!isNew)
            db.TicketAttachments.RemoveRange(stored.Attachments);
        var attachments = new List<TicketAttachment>();
        for (var i = 0; i < parsed.Attachments.Count; i++)
        {
            var part = parsed.Attachments[i];
            var blob = message.AttachmentBlobs[i];
            attachments.Add(new TicketAttachment
            {
                TicketMessageId = stored.Id,
                PartIndex = i,
                FileName = Cut(string.IsNullOrWhiteSpace(part.FileName) ? $"attachment-{i + 1}" : part.FileName, 1000),
                ContentType = Cut(part.ContentType, 200),
                Size = part.Size,
                ContentId = part.ContentId is { } cid ? Cut(cid.Trim().Trim('<', '>'), 998) : null,
                IsInline = part.IsInline,
                BlobHash = blob.Hash,
            });
        }

        if (isNew)
        {
            stored.Attachments.AddRange(attachments);
            db.TicketMessages.Add(stored);
            JoinTicket(ticket, message, raw.ReceivedAt);
        }
        else
        {
            stored.Attachments.Clear();
            db.TicketAttachments.AddRange(attachments);
        }

        message.Ticket = ticket;
        message.Stored = stored;
        // Later messages of the same batch may reply to this one before it is saved.
        threads.Add(stored.InboxId, stored.MessageIdHeader, ticket.Id);
    }

    /// <summary>Every received message puts its ticket back in 未対応. A reply to a ticket in ゴミ箱 brings it back to the
    /// inbox (otherwise nobody would see it); a reply to one in 迷惑メール does too unless the reply itself is flagged spam.</summary>
    internal static void JoinTicket(Ticket ticket, InboundMessage message, DateTime receivedAt)
    {
        // The version went up when threading claimed the ticket (TicketVersions); a new ticket starts at 1.
        ticket.MessageCount++;
        if (receivedAt > ticket.LastMessageAt || ticket.MessageCount == 1)
            ticket.LastMessageAt = receivedAt;
        ticket.Status = TicketStatus.Open;
        if (ticket.MessageCount > 1 && ticket.Place != TicketPlace.Inbox && message.Place == TicketPlace.Inbox)
            ticket.Place = TicketPlace.Inbox;
        ticket.StampRetention(receivedAt);
        // A bounce that joined the ticket of our sent message is not the customer speaking: keep the ticket's From.
        if (message.BouncedMessage is null && message.Parsed.From.FirstOrDefault() is { } from)
        {
            ticket.FromName = Cut(from.Name, MaxName);
            ticket.FromAddress = Cut(from.Address, MaxAddress);
        }
    }

    private static string Json(IReadOnlyList<ParsedAddress> addresses) => JsonSerializer.Serialize(addresses);

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
