using Madoguchi.Core.Accounts.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Status.SupportDesk;

/// <summary>One range of the desk's weekly business hours, in the desk's time zone: e.g. Monday 09:00–12:00. A day may
/// have several (a lunch break); a weekday without any is a regular closed day. Minutes since midnight, close up to 1440.</summary>
public sealed class SupportHours
{
    public Guid Id { get; init; } = Common.Ids.New();
    public DayOfWeek Day { get; init; }
    public int OpensMinute { get; init; }
    public int ClosesMinute { get; init; }
}

public enum SupportClosureKind
{
    /// <summary>A long holiday: year-end, Golden Week, Obon.</summary>
    Holiday = 0,

    /// <summary>A one-off closed day or days (a company event, a move).</summary>
    OneOff = 1,
}

/// <summary>Days on which the desk is closed whatever the weekly hours say, first and last day included (dates in the desk's zone).</summary>
public sealed class SupportClosure
{
    public Guid Id { get; init; } = Common.Ids.New();
    public SupportClosureKind Kind { get; init; }
    public string Label { get; init; } = "";
    public DateOnly FirstDay { get; init; }
    public DateOnly LastDay { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>A banner for account users, written by an operator in Japanese and English and shown between two instants,
/// usually before and during a long closure (<see cref="ClosureId"/>).</summary>
public sealed class SupportNotice
{
    public const int MaxTextLength = 500;

    public Guid Id { get; init; } = Common.Ids.New();
    public string TextJa { get; init; } = "";
    public string TextEn { get; init; } = "";
    public DateTime ShownFrom { get; init; }
    public DateTime ShownUntil { get; init; }
    public Guid? ClosureId { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>A user closed a notice's banner; it stays closed for them.</summary>
public sealed class SupportNoticeDismissal
{
    public Guid NoticeId { get; init; }
    public Guid UserId { get; init; }
    public DateTime DismissedAt { get; init; }
}

internal sealed class SupportHoursConfiguration : IEntityTypeConfiguration<SupportHours>
{
    public void Configure(EntityTypeBuilder<SupportHours> builder)
    {
        builder.HasKey(h => h.Id);
        builder.HasIndex(h => new { h.Day, h.OpensMinute });
    }
}

internal sealed class SupportClosureConfiguration : IEntityTypeConfiguration<SupportClosure>
{
    public void Configure(EntityTypeBuilder<SupportClosure> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Label).HasMaxLength(SupportCalendarRules.MaxLabelLength);
        builder.HasIndex(c => c.LastDay);
    }
}

internal sealed class SupportNoticeConfiguration : IEntityTypeConfiguration<SupportNotice>
{
    public void Configure(EntityTypeBuilder<SupportNotice> builder)
    {
        builder.HasKey(n => n.Id);
        builder.Property(n => n.TextJa).HasMaxLength(SupportNotice.MaxTextLength);
        builder.Property(n => n.TextEn).HasMaxLength(SupportNotice.MaxTextLength);
        builder.HasIndex(n => n.ShownUntil);
        builder.HasOne<SupportClosure>().WithMany().HasForeignKey(n => n.ClosureId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SupportNoticeDismissalConfiguration : IEntityTypeConfiguration<SupportNoticeDismissal>
{
    public void Configure(EntityTypeBuilder<SupportNoticeDismissal> builder)
    {
        builder.HasKey(d => new { d.UserId, d.NoticeId });
        builder.HasOne<SupportNotice>().WithMany().HasForeignKey(d => d.NoticeId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
