using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Plans;

public enum OptionRequestState
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>オプション追加申込み: an owner asks for extra users, storage and inboxes (quantities) and/or something else
/// (free text). Pending until an operator approves or rejects it with a note; an approved request adds its quantities
/// to the account's limits at once and for as long as it stands. Prices are those of the catalogue when it was made.</summary>
public sealed class OptionRequest
{
    public const int MaxTextLength = 2000;
    public const int MaxNoteLength = 1000;
    public const int MaxQuantity = 10_000;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid? RequestedByUserId { get; init; }
    public required string RequestedByName { get; init; }
    public DateTime RequestedAt { get; init; }

    public int ExtraUsers { get; init; }
    public int ExtraStorageGb { get; init; }
    public int ExtraInboxes { get; init; }

    /// <summary>"Other" options: a free-text request to the operator; priced by the operator, not here.</summary>
    public string? OtherText { get; init; }

    /// <summary>What the quantities add per month, at the catalogue's prices when requested.</summary>
    public int MonthlyYen { get; init; }

    public OptionRequestState State { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? Note { get; set; }
}

internal sealed class OptionRequestConfiguration : IEntityTypeConfiguration<OptionRequest>
{
    public void Configure(EntityTypeBuilder<OptionRequest> builder)
    {
        builder.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.RequestedByName).HasMaxLength(400);
        builder.Property(r => r.OtherText).HasMaxLength(OptionRequest.MaxTextLength);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
        builder.Property(r => r.DecidedBy).HasMaxLength(400);
        builder.Property(r => r.Note).HasMaxLength(OptionRequest.MaxNoteLength);
        builder.HasIndex(r => new { r.AccountId, r.State });
        builder.HasIndex(r => new { r.State, r.RequestedAt });
    }
}
