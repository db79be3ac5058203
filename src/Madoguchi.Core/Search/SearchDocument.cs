using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Search;

/// <summary>A message as search sees it: its subject, addresses, attachment names and body, folded by
/// <see cref="SearchText"/>. Every search checks candidates against <see cref="Text"/>, so the index can only narrow, never
/// decide. Rebuilt from the message row at any time (<see cref="ReindexCommand"/>); goes with the message.</summary>
public sealed class SearchDocument
{
    /// <summary>The message's id (one document per message).</summary>
    public Guid MessageId { get; init; }

    public Guid AccountId { get; init; }

    /// <summary>The document's number in <see cref="SearchPosting"/>: 8 bytes instead of a 16-byte (SQLite: 36-character)
    /// id in every posting. Unique; ordered by the message's creation time (<see cref="DocumentKey"/>).</summary>
    public long Key { get; init; }

    /// <summary>The folded subject, for relevance (matches in the subject first).</summary>
    public string Subject { get; set; } = "";

    /// <summary>The folded subject, addresses, attachment names and body, one space between parts.</summary>
    public string Text { get; set; } = "";

    /// <summary>When the document was written and its postings not yet: the background indexer writes them in batches
    /// (<see cref="IndexPendingPostingsCommand"/>), and until then every search checks this document's text directly, so a
    /// message is searchable the moment it is stored. Null once its postings are written.</summary>
    public DateTime? PostingsPendingSince { get; set; }
}

/// <summary>One gram (two adjacent characters) of one document: the inverted index. A term of two or more characters is
/// looked up by its grams; a one-character term scans the documents. No foreign key (rows are written in bulk by SQL);
/// a posting whose document is gone only adds a candidate that the check against the text drops.</summary>
public sealed class SearchPosting
{
    public int Gram { get; init; }
    public long DocumentKey { get; init; }
}

internal sealed class SearchDocumentConfiguration : IEntityTypeConfiguration<SearchDocument>
{
    public void Configure(EntityTypeBuilder<SearchDocument> builder)
    {
        builder.HasKey(d => d.MessageId);
        builder.HasIndex(d => d.Key).IsUnique();
        builder.HasIndex(d => d.AccountId);
        // Small: only documents waiting for the indexer (the search scans them; the indexer takes the oldest first).
        builder.HasIndex(d => d.PostingsPendingSince).HasFilter("\"PostingsPendingSince\" IS NOT NULL");
        builder.Property(d => d.Subject).HasMaxLength(2000);
        builder.HasOne<TicketMessage>().WithOne().HasForeignKey<SearchDocument>(d => d.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SearchPostingConfiguration : IEntityTypeConfiguration<SearchPosting>
{
    public void Configure(EntityTypeBuilder<SearchPosting> builder)
    {
        // Looked up by gram; deleted by gram and document. On SQLite a WITHOUT ROWID table (its migration
        // SearchPostingsWithoutRowid; the model cannot say so): a rebuild of this table in a later migration must keep it.
        builder.HasKey(p => new { p.Gram, p.DocumentKey });
    }
}
