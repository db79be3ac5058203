using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Labels;
using Madoguchi.Core.Tickets.Reads;

namespace Madoguchi.Testing.App;

/// <summary>What <see cref="TicketListSeed.StoreAsync"/> stored: row counts, the 対応完了 tickets in the inbox, and the labels (most common first, rarest last).</summary>
public sealed record SeededTickets(int Messages, int TicketLabels, int Reads, int Closed, List<Guid> Labels);

/// <summary>An inbox's worth of tickets in a realistic mix (most of them 対応完了, skewed labels, assignees, reads and
/// attachments), stored directly (bulk inserts), from a fixed seed: the ticket bench and the checks of the list's plans.</summary>
public static class TicketListSeed
{
    public static async Task<SeededTickets> StoreAsync(MadoguchiApp app, Guid accountId, Guid inboxId, List<Guid> users, int count)
    {
        var random = new Random(20261205);
        var labels = Enumerable.Range(1, 20).Select(i => new Label { AccountId = accountId, InboxId = inboxId, Name = $"ラベル{i}", Color = "#1e88e5" }).ToList();
        var reasons = Enumerable.Range(1, 3).Select(i => new PendingReason { AccountId = accountId, InboxId = inboxId, Name = $"保留理由{i}", Position = i }).ToList();
        await InsertAsync(app, [.. labels, .. reasons]);
        var start = DateTime.UtcNow.AddMinutes(-30 * count);
        int messages = 0, onTickets = 0, reads = 0, closed = 0;
        const int Chunk = 5_000;
        for (var from = 0; from < count; from += Chunk)
        {
            var tickets = new List<Ticket>();
            var rows = new List<TicketMessage>();
            var attachments = new List<TicketAttachment>();
            var ticketLabels = new List<TicketLabel>();
            var ticketReads = new List<TicketRead>();
            for (var i = from; i < Math.Min(count, from + Chunk); i++)
            {
                // Older tickets are mostly done; the newest 5,000 carry most of the open work.
                var recent = i > count - 5_000;
                var roll = random.Next(100);
                var status = recent
                    ? roll switch { < 40 => TicketStatus.Open, < 60 => TicketStatus.Pending, < 90 => TicketStatus.Closed, _ => TicketStatus.NoAction }
                    : roll switch { < 3 => TicketStatus.Open, < 8 => TicketStatus.Pending, < 88 => TicketStatus.Closed, _ => TicketStatus.NoAction };
                var placeRoll = random.Next(100);
                var place = placeRoll < 4 ? TicketPlace.Trash : placeRoll < 7 ? TicketPlace.Spam : TicketPlace.Inbox;
                var messageCount = 1 + (int)Math.Min(11, -Math.Log(1 - random.NextDouble()) * 1.5);
                var created = start.AddMinutes(30 * i + random.Next(30));
                var last = created.AddMinutes(messageCount == 1 ? 0 : random.Next(10, 60 * 24 * 3));
                var ticket = new Ticket
                {
                    AccountId = accountId, InboxId = inboxId, Subject = $"お問い合わせ {i}: 請求書の再発行について", Status = status, Place = place,
                    MessageCount = messageCount, CreatedAt = created, LastMessageAt = last, FromName = $"顧客 {i % 5000}", FromAddress = $"customer{i % 5000}@example.com",
                    AssigneeId = random.Next(100) < 75 ? users[random.Next(users.Count)] : null,
                    PendingReasonId = status == TicketStatus.Pending && random.Next(100) < 60 ? reasons[random.Next(reasons.Count)].Id : null,
                };
                ticket.StampRetention(last);
                tickets.Add(ticket);
                if (place == TicketPlace.Inbox && status == TicketStatus.Closed)
                    closed++;
                // Labels: skewed, the first few common, the last rare.
                var labelCount = random.Next(100) switch { < 50 => 0, < 85 => 1, _ => 2 };
                foreach (var l in Enumerable.Range(0, labelCount).Select(_ => (int)(labels.Count * Math.Pow(random.NextDouble(), 2.5))).Distinct())
                    ticketLabels.Add(new TicketLabel { TicketId = ticket.Id, LabelId = labels[l].Id });
                // The messages themselves (up to three per ticket; the list reads only their attachment flags).
                for (var m = 0; m < Math.Min(messageCount, 3); m++)
                {
                    var date = m == 0 ? created : last.AddMinutes(-m);
                    var message = new TicketMessage
                    {
                        AccountId = accountId, TicketId = ticket.Id, InboxId = inboxId, MessageIdHeader = $"{Guid.NewGuid():N}@bench.example",
                        Direction = m % 2 == 0 ? MessageDirection.Received : MessageDirection.Sent, Subject = ticket.Subject,
                        Text = "お世話になっております。請求書の再発行をお願いできますでしょうか。ご確認のほどよろしくお願いいたします。", Date = date, ReceivedAt = date,
                        FromJson = $"[{{\"Name\":\"顧客\",\"Address\":\"{ticket.FromAddress}\"}}]", Size = 4_000,
                    };
                    rows.Add(message);
                    var a = random.Next(100);
                    if (a < 10)
                        attachments.Add(new TicketAttachment { TicketMessageId = message.Id, FileName = a < 3 ? "image001.png" : "請求書.pdf", ContentType = a < 3 ? "image/png" : "application/pdf", IsInline = a < 3, Size = 50_000, BlobHash = $"{i:x64}"[..64] });
                }
                // Each agent has opened about a tenth of the tickets.
                foreach (var user in users.Where(_ => random.Next(10) == 0))
                    ticketReads.Add(new TicketRead { TicketId = ticket.Id, UserId = user, ReadAt = random.Next(4) == 0 ? created : last });
            }
            await InsertAsync(app, [.. tickets, .. rows, .. attachments, .. ticketLabels, .. ticketReads]);
            messages += rows.Count;
            onTickets += ticketLabels.Count;
            reads += ticketReads.Count;
        }
        return new SeededTickets(messages, onTickets, reads, closed, labels.Select(l => l.Id).ToList());
    }

    /// <summary>The rows in one transaction with the product's own bulk insert (multi-row INSERTs on PostgreSQL, one
    /// compiled statement on SQLite), in the order given (principals first).</summary>
    private static async Task InsertAsync(MadoguchiApp app, List<object> entities)
    {
        await app.WithDbAsync(async db =>
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.AddRange(entities);
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAddedAsync(db, entities.Select(e => e.GetType()).Distinct().ToList(), CancellationToken.None);
            await transaction.CommitAsync();
            return 0;
        });
    }
}
