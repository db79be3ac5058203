using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Search;

/// <summary>Writes the postings of the oldest documents still waiting for them, in one transaction: one sorted bulk
/// insert for the whole batch costs a fraction of one insert per message. On PostgreSQL the batch's rows are locked and
/// rows another instance holds are skipped (several instances index side by side, never the same document twice); on
/// SQLite the transaction is the only writer. Answers how many documents it indexed.</summary>
public sealed class IndexPendingPostingsCommand(MadoguchiDbContext db, SearchIndexWriter writer)
{
    public async Task<int> HandleAsync(int maxDocuments, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var pending = db.Database.IsNpgsql()
            ? db.SearchDocuments.FromSqlRaw(
                "SELECT * FROM \"SearchDocuments\" WHERE \"PostingsPendingSince\" IS NOT NULL ORDER BY \"PostingsPendingSince\" LIMIT {0} FOR UPDATE SKIP LOCKED",
                maxDocuments)
            : db.SearchDocuments.Where(d => d.PostingsPendingSince != null).OrderBy(d => d.PostingsPendingSince).Take(maxDocuments);
        var documents = await pending.AsNoTracking().ToListAsync(ct);
        await writer.WritePostingsAsync(documents, ct);
        await transaction.CommitAsync(ct);
        return documents.Count;
    }
}
