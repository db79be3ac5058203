using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Data;

/// <summary><see cref="BulkInsert"/> writes what EF's SaveChanges writes, on both databases.</summary>
public sealed class BulkInsertTests
{
    private static readonly Type[] Order = [typeof(Ticket), typeof(TicketMessage), typeof(TicketAttachment)];
    private static readonly string[] Ids = ["Id", "TicketId", "TicketMessageId"];

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task InsertAdded_StoresEveryColumnExactlyAsSaveChanges_AndMarksEntriesSaved(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();

        await app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Add(db, account.Id, inbox.Id);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return 0;
        });
        var states = await app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var added = Add(db, account.Id, inbox.Id);
            await BulkInsert.InsertAddedAsync(db, Order, CancellationToken.None);
            var after = added.Select(e => db.Entry(e).State).ToList();
            Assert.Equal(0, await db.SaveChangesAsync());
            await transaction.CommitAsync();
            return after;
        });

        Assert.All(states, s => Assert.Equal(EntityState.Unchanged, s));
        foreach (var table in new[] { "Tickets", "TicketMessages", "TicketAttachments" })
        {
            var rows = await app.WithDbAsync(db => ReadRowsAsync(db, table));
            Assert.Equal(2, rows.Count);
            Assert.Equal(rows[0], rows[1]);
        }
        var read = await app.WithDbAsync(db => db.TicketMessages.AsNoTracking().Include(m => m.Attachments).ToListAsync());
        Assert.All(read, m => Assert.Equal(DateTimeKind.Utc, m.Date.Kind));
        Assert.All(read, m => Assert.Equal("見積書 (再送)", Assert.Single(m.Attachments).FileName));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task InsertAdded_DuplicateKey_ThrowsDbUpdateException_EntriesStayAdded(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var existing = await app.WithDbAsync(async db =>
        {
            var ticket = Ticket(account.Id, inbox.Id);
            db.Tickets.Add(ticket);
            await db.SaveChangesAsync();
            return ticket.Id;
        });

        var (failure, states) = await app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var added = Add(db, account.Id, inbox.Id);
            db.Tickets.Add(Ticket(account.Id, inbox.Id, existing));
            var thrown = await Record.ExceptionAsync(() => BulkInsert.InsertAddedAsync(db, Order, CancellationToken.None));
            return (thrown, added.Select(e => db.Entry(e).State).ToList());
        });

        Assert.IsType<DbUpdateException>(failure);
        Assert.All(states, s => Assert.Equal(EntityState.Added, s));
        Assert.Equal(1, await app.WithDbAsync(db => db.Tickets.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketMessages.CountAsync()));
    }

    /// <summary>Many rows in one call (SQLite runs one compiled statement for every row, PostgreSQL multi-row statements):
    /// no row takes another's values, and a null after a value (and a value after a null) is stored as given.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task InsertAdded_ManyRows_EachRowKeepsItsOwnValues_NullsIncluded(DatabaseProvider provider)
    {
        const int Count = 150;
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();

        var expected = await app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var rows = new List<(Guid Id, string? Html, long Size, string? ContentId)>();
            for (var i = 0; i < Count; i++)
            {
                var added = Add(db, account.Id, inbox.Id);
                var (ticket, message, attachment) = ((Ticket)added[0], (TicketMessage)added[1], (TicketAttachment)added[2]);
                ticket.Subject = $"件名 {i}";
                message.Html = i % 2 == 0 ? null : $"<p>{i}</p>";
                message.InReplyTo = i % 3 == 0 ? $"r{i}@example" : null;
                message.Size = 1000 + i;
                var contentId = i % 2 == 0 ? $"cid{i}" : null;
                db.Entry(attachment).Property(a => a.ContentId).CurrentValue = contentId;
                rows.Add((message.Id, message.Html, message.Size, contentId));
            }
            await BulkInsert.InsertAddedAsync(db, Order, CancellationToken.None);
            Assert.Equal(0, await db.SaveChangesAsync());
            await transaction.CommitAsync();
            return rows;
        });

        var read = await app.WithDbAsync(db => db.TicketMessages.AsNoTracking().Include(m => m.Attachments).ToDictionaryAsync(m => m.Id));
        var tickets = await app.WithDbAsync(db => db.Tickets.AsNoTracking().ToDictionaryAsync(t => t.Id));
        Assert.Equal(Count, read.Count);
        Assert.Equal(Count, tickets.Count);
        foreach (var (id, html, size, contentId) in expected)
        {
            var message = read[id];
            Assert.Equal(html, message.Html);
            Assert.Equal(size, message.Size);
            Assert.Equal($"件名 {size - 1000}", tickets[message.TicketId].Subject);
            Assert.Equal((size - 1000) % 3 == 0 ? $"r{size - 1000}@example" : null, message.InReplyTo);
            Assert.Equal(contentId, Assert.Single(message.Attachments).ContentId);
        }
    }

    private static Ticket Ticket(Guid accountId, Guid inboxId, Guid? id = null) => new()
    {
        Id = id ?? Madoguchi.Core.Common.Ids.New(),
        AccountId = accountId,
        InboxId = inboxId,
        Subject = "お見積りのお願い — quote",
        Status = TicketStatus.Open,
        Place = TicketPlace.Spam,
        MessageCount = 1,
        CreatedAt = new DateTime(2026, 12, 5, 1, 2, 3, 456, DateTimeKind.Utc).AddTicks(7),
        LastMessageAt = new DateTime(2026, 12, 5, 1, 2, 3, DateTimeKind.Utc),
        FromName = "山田 太郎",
        FromAddress = "taro@customer.example",
    };

    /// <summary>A ticket with one message and one attachment, as the pipeline adds them; nullable columns both set and null.</summary>
    private static object[] Add(MadoguchiDbContext db, Guid accountId, Guid inboxId)
    {
        var ticket = Ticket(accountId, inboxId);
        var message = new TicketMessage
        {
            AccountId = accountId,
            TicketId = ticket.Id,
            InboxId = inboxId,
            Direction = MessageDirection.Received,
            MessageIdHeader = "abc@customer.example",
            InReplyTo = null,
            References = "x@y.example z@y.example",
            Subject = "お見積りのお願い",
            FromJson = """[{"Name":"山田 太郎","Address":"taro@customer.example"}]""",
            Date = new DateTime(2026, 12, 4, 23, 59, 59, 999, DateTimeKind.Utc),
            ReceivedAt = new DateTime(2026, 12, 5, 1, 2, 3, DateTimeKind.Utc),
            Text = "本文です。\r\nline 2",
            Html = null,
            ReadProblem = "damaged base64",
            AutoReplySignals = AutoReplySignals.AutoSubmitted | AutoReplySignals.PrecedenceBulk,
            AutoSubmitted = "auto-replied",
            SpamFlagged = true,
            Size = 5_000_000_000,
        };
        var attachment = new TicketAttachment
        {
            TicketMessageId = message.Id,
            PartIndex = 0,
            FileName = "見積書 (再送)",
            ContentType = "application/pdf",
            Size = 1234,
            ContentId = null,
            IsInline = false,
            BlobHash = new string('a', 64),
        };
        message.Attachments.Add(attachment);
        db.Tickets.Add(ticket);
        db.TicketMessages.Add(message);
        return [ticket, message, attachment];
    }

    /// <summary>Every column but the ids, as the database hands it back (type and value).</summary>
    private static async Task<List<string>> ReadRowsAsync(MadoguchiDbContext db, string table)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var columns = Enumerable.Range(0, reader.FieldCount)
                .Where(i => !Ids.Contains(reader.GetName(i)))
                .Select(i => $"{reader.GetName(i)}={reader.GetValue(i).GetType().Name}:{Format(reader.GetValue(i))}");
            rows.Add(string.Join("; ", columns));
        }
        return rows;
    }

    private static string Format(object value) => value switch
    {
        DateTime d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + d.Kind,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
