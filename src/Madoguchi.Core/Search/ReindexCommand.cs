using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Search;

/// <summary>How far a rebuild has come.</summary>
public readonly record struct ReindexProgress(int Done, int Total);

/// <summary>Rebuilds the search index of every message (of one inbox, or all) from the message rows, in batches of one
/// transaction each, replacing each document in place: searches keep finding everything while it runs, and several
/// instances may keep receiving. A rebuild of everything also drops postings no document owns any more.</summary>
public sealed class ReindexCommand(MadoguchiDbContext db, SearchIndexWriter writer)
{
    public const int BatchSize = 1000;

    public async Task<int> HandleAsync(Guid? inboxId, IProgress<ReindexProgress>? progress, CancellationToken ct)
    {
        var scope = db.TicketMessages.AsNoTracking();
        if (inboxId is { } id)
            scope = scope.Where(m => m.InboxId == id);
        var ids = await scope.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(ct);
        var done = 0;
        progress?.Report(new ReindexProgress(0, ids.Count));
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var chunk in ids.Chunk(BatchSize))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var messages = await db.TicketMessages.AsNoTracking().AsSplitQuery().Include(m => m.Attachments).Where(m => chunk.Contains(m.Id)).ToListAsync(ct);
            var existing = await writer.LoadForUpdateAsync(chunk, ct);
            await writer.ReserveKeysAsync(messages.Where(m => !existing.ContainsKey(m.Id)).Select(m => m.Id).ToList(), ct);
            var documents = new List<SearchDocument>(messages.Count);
            foreach (var message in messages)
            {
                var names = message.Attachments.OrderBy(a => a.PartIndex).Select(a => a.FileName);
                documents.Add(await writer.WriteAsync(message, names, mayExist: false, ct, existing.GetValueOrDefault(message.Id), force: true));
            }
            // Saved as indexed: their postings are written in this same transaction.
            foreach (var document in documents)
                document.PostingsPendingSince = null;
            db.ChangeTracker.DetectChanges();
            await BulkInsert.InsertAddedAsync(db, [typeof(SearchDocument)], ct);
            await db.SaveChangesAsync(ct);
            await writer.WritePostingsAsync(documents, ct, markIndexed: false);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            done += chunk.Length;
            progress?.Report(new ReindexProgress(done, ids.Count));
        }
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        if (inboxId is null)
            await db.SearchPostings.Where(p => !db.SearchDocuments.Any(d => d.Key == p.DocumentKey)).ExecuteDeleteAsync(ct);
        // A rebuild rewrites the whole index at once, and PostgreSQL answers from it well only after a VACUUM (the
        // visibility map, without which an index-only scan visits every row) and an ANALYZE (the planner's statistics,
        // which otherwise describe the index before the rebuild). The message tables a search joins are analyzed too: a
        // rebuild is also what follows a restore or a bulk import, where they are as new to the planner (ANALYZE reads a
        // fixed sample, so this stays seconds at any size). Autovacuum comes round to all of it later; until then a common
        // term took 1.6 s instead of 25 ms (bench/README.md, "Search after a rebuild"). SQLite keeps no statistics unless
        // asked to, and needs no visibility map.
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) \"SearchDocuments\", \"SearchPostings\"", ct);
            await db.Database.ExecuteSqlRawAsync("ANALYZE \"TicketMessages\", \"Tickets\"", ct);
        }
        return done;
    }
}
