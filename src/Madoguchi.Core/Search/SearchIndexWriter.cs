using System.Globalization;
using System.Text;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Search;

/// <summary>A message's body as search folds it: the text part, and the HTML part as text unless it says the same.</summary>
public sealed record FoldedBody(string Text, string? Html);

/// <summary>Writes and removes search documents and their postings, inside the caller's transaction. A written document
/// is searchable at once (searches check documents whose postings are pending against their text directly); its postings
/// are written later, in bulk, by <see cref="IndexPendingPostingsCommand"/> (posting rows one message at a time made the
/// receive transaction several times slower). Writing a message that is already indexed replaces its document and
/// postings (re-running the pipeline never duplicates). The caller saves the tracked documents (SaveChanges) before
/// committing.</summary>
public sealed class SearchIndexWriter(MadoguchiDbContext db, TimeProvider time)
{
    private readonly HashSet<long> _handedOut = [];
    private readonly Dictionary<Guid, long> _reserved = [];

    /// <summary>Postings one SQLite statement writes. They go as JSON text, which SQLite parses into native memory of its
    /// own: at 100,000 a statement (~3 MB of text, as much again parsed) grew the process by tens of megabytes that the C
    /// allocator kept, and each text was a large object for the garbage collector. In sorted order each statement covers
    /// its own stretch of the index, so many small statements write the same pages as a few large ones.</summary>
    public const int SqlitePostingsPerStatement = 1_000;

    /// <summary>Postings one PostgreSQL statement writes (two arrays, each under the large object threshold).</summary>
    public const int NpgsqlPostingsPerStatement = 10_000;

    /// <summary>Indexes (or re-indexes) one message; <paramref name="existing"/> is its current document when the caller
    /// has loaded it, else it is looked up when <paramref name="mayExist"/>. An unchanged document is left as it is unless
    /// <paramref name="force"/> (a rebuild writes its postings again).</summary>
    public async Task<SearchDocument> WriteAsync(
        TicketMessage message, IEnumerable<string> attachmentNames, bool mayExist, CancellationToken ct, SearchDocument? existing = null, bool force = false,
        FoldedBody? body = null)
    {
        var (subject, text) = Fold(message, attachmentNames, body);
        if (existing is null && mayExist)
            existing = (await LoadForUpdateAsync([message.Id], ct)).GetValueOrDefault(message.Id);
        var now = time.GetUtcNow().UtcDateTime;
        if (existing is null)
        {
            var document = new SearchDocument
            {
                MessageId = message.Id, AccountId = message.AccountId, Key = await FreeKeyAsync(message.Id, ct), Subject = subject, Text = text,
                PostingsPendingSince = now,
            };
            db.SearchDocuments.Add(document);
            return document;
        }
        existing.Subject = subject;
        if (existing.Text == text && !force)
            return existing;
        if (existing.PostingsPendingSince is null && existing.Text != text)
        {
            // The grams the new text no longer has (the others stay: the new postings' insert skips them). A rebuild of
            // an unchanged text deletes nothing and writes its postings again, which restores any that were lost.
            var stale = SearchText.Grams(existing.Text);
            stale.ExceptWith(SearchText.Grams(text));
            await DeletePostingsAsync(existing.Key, stale, ct);
        }
        existing.Text = text;
        existing.PostingsPendingSince = now;
        return existing;
    }

    /// <summary>The documents of these messages, tracked, and on PostgreSQL locked for this transaction (SQLite: the
    /// transaction is the only writer): the background indexer, which locks what it indexes, can neither be writing their
    /// postings meanwhile nor write postings of a text being replaced. So a document's postings are always those of its
    /// text, which lets a two-character term be answered by the postings alone.</summary>
    public async Task<Dictionary<Guid, SearchDocument>> LoadForUpdateAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken ct)
    {
        var query = db.Database.IsNpgsql()
            ? db.SearchDocuments.FromSqlRaw("SELECT * FROM \"SearchDocuments\" WHERE \"MessageId\" = ANY({0}) FOR UPDATE", messageIds.ToArray())
            : db.SearchDocuments.Where(d => messageIds.Contains(d.MessageId));
        return await query.ToDictionaryAsync(d => d.MessageId, ct);
    }

    /// <summary>Finds free keys for these new documents in one look-up (instead of one per document), for the
    /// <see cref="WriteAsync"/> calls that follow in this scope.</summary>
    public async Task ReserveKeysAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken ct)
    {
        var wanted = messageIds.ToDictionary(id => id, DocumentKey.For);
        var values = wanted.Values.ToList();
        var taken = (await db.SearchDocuments.Where(d => values.Contains(d.Key)).Select(d => d.Key).ToListAsync(ct)).ToHashSet();
        foreach (var (id, key) in wanted)
        {
            if (!taken.Contains(key) && _handedOut.Add(key))
                _reserved[id] = key;
        }
    }

    /// <summary>Writes the postings of these documents (sorted, in a few statements) and marks them indexed (unless
    /// <paramref name="markIndexed"/> is false: the caller saves them as indexed itself). The caller holds the documents
    /// (a row lock on PostgreSQL; SQLite's single writer) so that nobody changes their text meanwhile.</summary>
    public async Task WritePostingsAsync(IReadOnlyCollection<SearchDocument> documents, CancellationToken ct, bool markIndexed = true)
    {
        if (documents.Count == 0)
            return;
        var grams = documents.Select(d => (d.Key, Grams: SearchText.Grams(d.Text))).ToList();
        // One array of the exact size (a growing list copied itself over and over, each copy a large object).
        var postings = new (int Gram, long Key)[grams.Sum(d => d.Grams.Count)];
        var n = 0;
        foreach (var (key, set) in grams)
        {
            foreach (var gram in set)
                postings[n++] = (gram, key);
        }
        // Sorted as the primary key is: each statement walks the index once instead of jumping about it.
        Array.Sort(postings);
        var perStatement = db.Database.IsNpgsql() ? NpgsqlPostingsPerStatement : SqlitePostingsPerStatement;
        var json = new StringBuilder();
        for (var start = 0; start < postings.Length; start += perStatement)
            await InsertPostingsAsync(new ArraySegment<(int Gram, long Key)>(postings, start, Math.Min(perStatement, postings.Length - start)), json, ct);
        if (!markIndexed)
            return;
        var keys = documents.Select(d => d.Key).ToList();
        await db.SearchDocuments.Where(d => keys.Contains(d.Key))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.PostingsPendingSince, (DateTime?)null), ct);
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
    /// <remarks><paramref name="body"/>: the body already folded (<see cref="FoldBody"/>) from this message's Text and
    /// Html, as the pipeline does before its transaction; folded here when null.</remarks>
    public static (string Subject, string Text) Fold(TicketMessage message, IEnumerable<string> attachmentNames, FoldedBody? body = null)
    {
        // Each part folded on its own: a line break between two parts never joins them into one word.
        var parts = new List<string> { SearchText.Fold(message.Subject) };
        foreach (var json in new[] { message.FromJson, message.ToJson, message.CcJson })
            parts.AddRange(AddressView.FromJson(json).Select(a => SearchText.Fold(a.Name + " " + a.Address)));
        parts.AddRange(attachmentNames.Select(SearchText.Fold));
        var (text, html) = body ?? FoldBody(message.Text, message.Html);
        parts.Add(text);
        if (html is not null)
            parts.Add(html);
        return (parts[0], string.Join(' ', parts.Where(p => p.Length > 0)));
    }

    /// <summary>The folded text part, and the folded HTML part as text when it says something else (the costly half of
    /// folding: the HTML is parsed).</summary>
    public static FoldedBody FoldBody(string? text, string? html)
    {
        var foldedText = SearchText.Fold(text ?? "");
        var foldedHtml = html is null ? null : SearchText.Fold(HtmlText.ToPlainText(html));
        return new FoldedBody(foldedText, foldedHtml == foldedText ? null : foldedHtml);
    }

    /// <summary>The body a snippet is cut from: the text part, else the HTML part as text.</summary>
    public static string Body(string? text, string? html) =>
        !string.IsNullOrWhiteSpace(text) ? text : html is null ? "" : HtmlText.ToPlainText(html);

    /// <summary>The message's <see cref="DocumentKey"/>, or the next number not yet taken.</summary>
    private async Task<long> FreeKeyAsync(Guid messageId, CancellationToken ct)
    {
        if (_reserved.Remove(messageId, out var reserved))
            return reserved;
        var key = DocumentKey.For(messageId);
        // Keys handed out in this scope are remembered here, not looked up in DbSet.Local: that runs DetectChanges over
        // every entity the pipeline's batch tracks, once per message, which made a large import quadratic.
        while (_handedOut.Contains(key) || await db.SearchDocuments.AnyAsync(d => d.Key == key, ct))
            key = key == long.MaxValue ? 1 : key + 1;
        _handedOut.Add(key);
        return key;
    }

    /// <param name="json">A builder the caller reuses from one statement to the next (SQLite).</param>
    private Task InsertPostingsAsync(ArraySegment<(int Gram, long Key)> postings, StringBuilder json, CancellationToken ct)
    {
        // ON CONFLICT: a posting left behind by a document deleted without RemoveAsync may share the key.
        if (db.Database.IsNpgsql())
        {
            return db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"SearchPostings\" (\"Gram\", \"DocumentKey\") SELECT * FROM unnest({0}::integer[], {1}::bigint[]) ON CONFLICT DO NOTHING",
                [postings.Select(p => p.Gram).ToArray(), postings.Select(p => p.Key).ToArray()], ct);
        }
        // SQLite: one JSON array of [gram, key] pairs, in order.
        json.Clear().Append('[');
        foreach (var (gram, key) in postings)
            json.Append(CultureInfo.InvariantCulture, $"[{gram},{key}],");
        json[^1] = ']';
        return db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"SearchPostings\" (\"Gram\", \"DocumentKey\") SELECT value ->> 0, value ->> 1 FROM json_each({0}) WHERE true ON CONFLICT DO NOTHING",
            [json.ToString()], ct);
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
