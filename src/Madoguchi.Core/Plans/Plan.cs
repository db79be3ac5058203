using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Plans;

/// <summary>One plan of the catalogue (プラン): what it bundles, what it costs per month and which features it includes.
/// Operators edit the catalogue; a free plan and paid plans are seeded by the first migration.</summary>
public sealed class Plan
{
    public const int MaxNameLength = 100;

    public Guid Id { get; init; } = Ids.New();
    public required string Name { get; set; }
    public int Users { get; set; }
    public int Inboxes { get; set; }
    public long StorageMb { get; set; }
    public int MonthlyPriceYen { get; set; }

    /// <summary>Feature: the account may send through its own SMTP server (独自の送信設定).</summary>
    public bool CustomSmtp { get; set; }

    /// <summary>Feature: how long the account's audit log is kept (7 days or 365 days).</summary>
    public int AuditRetentionDays { get; set; }

    public int SortOrder { get; set; }
}

/// <summary>Which plan an account is on. An account without a row has no plan and the installation's defaults
/// (<see cref="PlansOptions"/>).</summary>
public sealed class AccountPlan
{
    public Guid AccountId { get; init; }
    public Guid PlanId { get; set; }
    public DateTime AssignedAt { get; set; }
}

/// <summary>The options catalogue (オプション): one price per unit of each kind of extra.</summary>
public sealed class OptionPrice
{
    public OptionKind Kind { get; init; }
    public int MonthlyPriceYen { get; set; }
}

/// <summary>The kinds of extra an owner can request with a quantity: users (per user), storage (per GB), inboxes (per inbox).</summary>
public enum OptionKind
{
    Users,
    StorageGb,
    Inboxes,
}

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public static readonly Guid FreeId = new("0193a000-0000-7000-8000-000000000001");
    public static readonly Guid StandardId = new("0193a000-0000-7000-8000-000000000002");
    public static readonly Guid BusinessId = new("0193a000-0000-7000-8000-000000000003");

    public void Configure(EntityTypeBuilder<Plan> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(Plan.MaxNameLength);
        builder.HasIndex(p => p.Name).IsUnique();
        // Seeded on first run (the migration); operators edit them afterwards.
        builder.HasData(
            new Plan { Id = FreeId, Name = "フリー / Free", Users = 3, Inboxes = 1, StorageMb = 1024, MonthlyPriceYen = 0, CustomSmtp = false, AuditRetentionDays = 7, SortOrder = 1 },
            new Plan { Id = StandardId, Name = "スタンダード / Standard", Users = 10, Inboxes = 5, StorageMb = 10 * 1024, MonthlyPriceYen = 9_800, CustomSmtp = true, AuditRetentionDays = 365, SortOrder = 2 },
            new Plan { Id = BusinessId, Name = "ビジネス / Business", Users = 30, Inboxes = 20, StorageMb = 50 * 1024, MonthlyPriceYen = 29_800, CustomSmtp = true, AuditRetentionDays = 365, SortOrder = 3 });
    }
}

internal sealed class AccountPlanConfiguration : IEntityTypeConfiguration<AccountPlan>
{
    public void Configure(EntityTypeBuilder<AccountPlan> builder)
    {
        builder.HasKey(p => p.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Plan>().WithMany().HasForeignKey(p => p.PlanId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OptionPriceConfiguration : IEntityTypeConfiguration<OptionPrice>
{
    public void Configure(EntityTypeBuilder<OptionPrice> builder)
    {
        builder.HasKey(o => o.Kind);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        builder.HasData(
            new OptionPrice { Kind = OptionKind.Users, MonthlyPriceYen = 500 },
            new OptionPrice { Kind = OptionKind.StorageGb, MonthlyPriceYen = 300 },
            new OptionPrice { Kind = OptionKind.Inboxes, MonthlyPriceYen = 1_000 });
    }
}
