using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Sending.Uploads;

/// <summary>A file a user uploaded to attach to a message they are writing (<c>POST /api/v1/uploads</c>). Its bytes are a
/// blob (content-addressed, written durably before this row). It belongs to its account and user and only they can
/// attach it. Sending a message that attaches it turns it into the sent message's <see cref="Tickets.TicketAttachment"/>
/// and removes this row in the same transaction; an upload nobody sent is deleted with its blob after
/// <see cref="SendingOptions.UploadRetention"/> (<see cref="PruneUploadsCommand"/>, part of the retention round), unless a saved
/// draft still attaches it (<see cref="DraftId"/>): then it lives as long as that draft and is deleted with it. Not counted in
/// the account's storage use: the sent original that carries it is.</summary>
public sealed class Upload
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid UserId { get; init; }
    public required string FileName { get; init; }
    public required string ContentType { get; init; }
    public long Size { get; init; }
    public required string BlobHash { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>The author's draft (下書き) that attaches this upload, if any; set to null by the database when the draft
    /// goes any other way than <see cref="Drafts.DeleteDraftCommand"/> (sent from, ticket deleted): the upload then
    /// follows the normal retention again.</summary>
    public Guid? DraftId { get; set; }
}

internal sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> builder)
    {
        builder.Property(u => u.FileName).HasMaxLength(255);
        builder.Property(u => u.ContentType).HasMaxLength(200);
        builder.Property(u => u.BlobHash).HasMaxLength(64);
        builder.HasIndex(u => new { u.AccountId, u.UserId });
        // The retention round's question: which uploads are older than a day?
        builder.HasIndex(u => u.CreatedAt);
        // Deleting a blob: does an upload still use it?
        builder.HasIndex(u => u.BlobHash);
        builder.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Drafts.ReplyDraft>().WithMany().HasForeignKey(u => u.DraftId).OnDelete(DeleteBehavior.SetNull);
    }
}
