using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Search;

/// <summary>Writes and removes search documents and their postings, inside the caller's transaction. Writing a message
/// that is already indexed replaces its document and postings (re-running the pipeline never duplicates). The caller saves
/// the tracked documents (SaveChanges) before committing.</summary>
public sealed class SearchIndexWriter(MadoguchiDbContext db)
{
    /// <summary>Indexes (or re-indexes) one message; <paramref name="existing"/> is its current document when the caller
    /// has loaded it, else it is looked up when <paramref name="mayExist"/>.</summary>
    public async Task WriteAsync(TicketMessage message, IEnumerable<string> attachmentNames, bool mayExist, CancellationToken ct, SearchDocument? existing = null)
    {
        var (subject, text) = Fold(message, attachmentNames);
        if (existing is null && mayExist)
            existing = await db.SearchDocuments.SingleOrDefaultAsync(d => d.MessageId == message.Id, ct);
        long key;
        if (existing is not null)
        {
            await DeletePostingsAsync(existing.Key, SearchText.Grams(existing.Text), ct);
            existing.Subject = subject;
            existing.Text = text;
            key = existing.Key;
        }
        else
        {
            key = await FreeKeyAsync(message.Id, ct);
            db.SearchDocuments.Add(new SearchDocument { MessageId = message.Id, AccountId = message.AccountId, Key = key, Subject = subject, Text = text });
        }
        await InsertPostingsAsync(key, SearchText.Grams(text), ct);
    }

    /// <summary>Removes the documents and postings of these messages (call before deleting the messages, in the same
    /// transaction; deleting a message also deletes its document by cascade, but its postings only this way).</summary>
    public async Task<int> RemoveAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken ct)
    {
        var removed = 0;
        foreach (var chunk in messageIds.Chunk(500))
        {
            var docs = await db.SearchDocuments.AsNoTracking().Where(d => chunk.Contains(d.MessageId)).Select(d => new { d.Key, d.Text }).ToListAsync(ct);
            foreach (var doc in docs)
                await DeletePostingsAsync(doc.Key, SearchText.Grams(doc.Text), ct);
            removed += await db.SearchDocuments.Where(d => chunk.Contains(d.MessageId)).ExecuteDeleteAsync(ct);
        }
        return removed;
    }

    /// <summary>The folded subject, and the folded text of everything searchable: subject, From, To, Cc (names and
    /// addresses), attachment names and the body (the text part; an HTML part as text too unless it says the same).</summary>
    public static (string Subject, string Text) Fold(TicketMessage message, IEnumerable<string> attachmentNames)
    {
        // Each part folded on its own: a line break between two parts never joins them into one word.
        var parts = new List<string> { SearchText.Fold(message.Subject) };
        foreach (var json in new[] { message.FromJson, message.ToJson, message.CcJson })
            parts.AddRange(AddressView.FromJson(json).Select(a => SearchText.Fold(a.Name + " " + a.Address)));
        parts.AddRange(attachmentNames.Select(SearchText.Fold));
        var text = SearchText.Fold(message.Text ?? "");
        parts.Add(text);
        if (message.Html is not null && SearchText.Fold(HtmlText.ToPlainText(message.Html)) is var html && html != text)
            parts.Add(html);
        return (parts[0], string.Join(' ', parts.Where(p => p.Length > 0)));
    }

    /// <summary>The body a snippet is cut from: the text part, else the HTML part as text.</summary>
    public static string Body(string? text, string? html) =>
        !string.IsNullOrWhiteSpace(text) ? text : html is null ? "" : HtmlText.ToPlainText(html);

    /// <summary>The message id's last 8 bytes (random in a version-7 id), or the next number not yet taken.</summary>
    private async Task<long> FreeKeyAsync(Guid messageId, CancellationToken ct)
    {
        Span<byte> bytes = stackalloc byte[16];
        messageId.TryWriteBytes(bytes);
        var key = BitConverter.ToInt64(bytes[8..]) & long.MaxValue;
        while (db.SearchDocuments.Local.Any(d => d.Key == key) || await db.SearchDocuments.AnyAsync(d => d.Key == key, ct))
            key = key == long.MaxValue ? 1 : key + 1;
        return key;
    }

    private Task InsertPostingsAsync(long key, HashSet<int> grams, CancellationToken ct)
    {
        if (grams.Count == 0)
            return Task.CompletedTask;
        // One statement per document; ON CONFLICT: a posting left behind by a document deleted without RemoveAsync may share the key.
        return db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"SearchPostings\" (\"Gram\", \"DocumentKey\") SELECT g, {0} FROM unnest({1}) AS g ON CONFLICT DO NOTHING", [key, grams.ToArray()], ct)
            : db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"SearchPostings\" (\"Gram\", \"DocumentKey\") SELECT value, {0} FROM json_each({1}) WHERE true ON CONFLICT DO NOTHING", [key, JsonSerializer.Serialize(grams)], ct);
    }

    private Task DeletePostingsAsync(long key, HashSet<int> grams, CancellationToken ct)
    {
        if (grams.Count == 0)
            return Task.CompletedTask;
        return db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlRawAsync("DELETE FROM \"SearchPostings\" WHERE \"DocumentKey\" = {0} AND \"Gram\" = ANY({1})", [key, grams.ToArray()], ct)
            : db.Database.ExecuteSqlRawAsync(
                "DELETE FROM \"SearchPostings\" WHERE \"DocumentKey\" = {0} AND \"Gram\" IN (SELECT value FROM json_each({1}))", [key, JsonSerializer.Serialize(grams)], ct);
    }
}
