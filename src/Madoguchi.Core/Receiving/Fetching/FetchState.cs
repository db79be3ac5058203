using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>IMAP checkpoint per server and folder: every UID up to <see cref="LastUid"/> of this
/// <see cref="UidValidity"/> is stored (or recorded as a failure). Advances in the transaction that records the messages.</summary>
public sealed class ImapFolderState
{
    public Guid ReceiveServerId { get; init; }
    public required string Folder { get; init; }
    public long UidValidity { get; set; }
    public long LastUid { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>POP3 checkpoint: one row per UIDL already handled (stored, or skipped as a duplicate of a stored message),
/// with when it was stored and when it was deleted on the server.</summary>
public sealed class Pop3SeenMessage
{
    public Guid ReceiveServerId { get; init; }
    public required string Uidl { get; init; }
    public Guid? RawMessageId { get; init; }
    public DateTime StoredAt { get; init; }
    public DateTime? DeletedFromServerAt { get; set; }
}

/// <summary>Who fetches a receive server right now: an app instance holds it until <see cref="ExpiresAt"/> and renews it while fetching.</summary>
public sealed class FetchLease
{
    public Guid ReceiveServerId { get; init; }
    public string? Owner { get; set; }
    public DateTime ExpiresAt { get; set; }
}

/// <summary>One message that could not be fetched, or was stored with a caveat (too large). Never blocks the others.</summary>
public sealed class FetchIssue
{
    public Guid Id { get; init; } = Common.Ids.New();
    public Guid ReceiveServerId { get; init; }
    public Guid InboxId { get; init; }
    public string? Folder { get; init; }
    public long? Uid { get; init; }
    public string? Uidl { get; init; }
    public long? Size { get; init; }
    public required string Code { get; init; }
    public string? Detail { get; init; }
    public Guid? RawMessageId { get; init; }
    public DateTime OccurredAt { get; init; }
}

internal sealed class FetchStateConfiguration : IEntityTypeConfiguration<ImapFolderState>, IEntityTypeConfiguration<Pop3SeenMessage>,
    IEntityTypeConfiguration<FetchLease>, IEntityTypeConfiguration<FetchIssue>
{
    public void Configure(EntityTypeBuilder<ImapFolderState> builder)
    {
        builder.HasKey(s => new { s.ReceiveServerId, s.Folder });
        builder.Property(s => s.Folder).HasMaxLength(500);
        builder.HasOne<ReceiveServer>().WithMany().HasForeignKey(s => s.ReceiveServerId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Pop3SeenMessage> builder)
    {
        builder.HasKey(s => new { s.ReceiveServerId, s.Uidl });
        builder.Property(s => s.Uidl).HasMaxLength(200);
        builder.HasOne<ReceiveServer>().WithMany().HasForeignKey(s => s.ReceiveServerId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<FetchLease> builder)
    {
        builder.HasKey(l => l.ReceiveServerId);
        builder.Property(l => l.Owner).HasMaxLength(200);
        builder.HasOne<ReceiveServer>().WithMany().HasForeignKey(l => l.ReceiveServerId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<FetchIssue> builder)
    {
        builder.Property(i => i.Folder).HasMaxLength(500);
        builder.Property(i => i.Uidl).HasMaxLength(200);
        builder.Property(i => i.Code).HasMaxLength(50);
        builder.Property(i => i.Detail).HasMaxLength(2000);
        builder.HasIndex(i => new { i.ReceiveServerId, i.OccurredAt });
        builder.HasOne<ReceiveServer>().WithMany().HasForeignKey(i => i.ReceiveServerId).OnDelete(DeleteBehavior.Cascade);
    }
}
