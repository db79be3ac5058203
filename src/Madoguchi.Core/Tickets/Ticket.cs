using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets;

/// <summary>チケット: one case, a thread of messages in one inbox.</summary>
public sealed class Ticket
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid InboxId { get; set; }

    /// <summary>The subject of the message that opened the ticket.</summary>
    public required string Subject { get; set; }

    public TicketStatus Status { get; set; }
    public TicketPlace Place { get; set; }
    public int MessageCount { get; set; }

    /// <summary>When the newest message arrived (our receive time, not the sender's Date header, which can lie).</summary>
    public DateTime LastMessageAt { get; set; }

    public DateTime CreatedAt { get; init; }

    /// <summary>The sender of the latest received message, for lists.</summary>
    public string FromName { get; set; } = "";

    public string FromAddress { get; set; } = "";

    /// <summary>担当者: a user of the account who can see the inbox, or nobody.</summary>
    public Guid? AssigneeId { get; set; }

    /// <summary>保留理由 of the inbox while the status is 保留; null otherwise (or 保留理由なし).</summary>
    public Guid? PendingReasonId { get; set; }

    /// <summary>Grows by one with every change (by a person or by a received message). A writer that names an older
    /// version is refused with 409 <c>ticket_changed</c>, so no change is lost silently. Bumped in SQL
    /// (<c>Version = Version + 1</c>, <see cref="TicketVersions"/>) before anything else, which also serializes writers on
    /// the row — users, the receive pipeline and sending alike.</summary>
    public int Version { get; set; }

    /// <summary>Whether one of its messages has a file attached (an attachment that is not an inline image of the HTML
    /// body): the list's paper clip. Kept by the database's triggers on the attachments and messages (migration
    /// <c>TicketHasAttachments</c>), whoever writes them (receiving, sending, a re-run of the pipeline), so the list reads a
    /// column instead of looking through every message of every ticket on the page.</summary>
    public bool HasAttachments { get; private set; }

    /// <summary>When the ticket went to ゴミ箱 (null outside it): ゴミ箱 is emptied for good a set number of days later.</summary>
    public DateTime? TrashedAt { get; set; }

    /// <summary>When the ticket became 対応完了 or 対応不要 (null otherwise), for an inbox's auto-delete.</summary>
    public DateTime? ClosedAt { get; set; }

    /// <summary>Keeps <see cref="TrashedAt"/> and <see cref="ClosedAt"/> in step with the place and status; call after
    /// changing either. A time already set stays (moving within ゴミ箱 does not restart its clock).</summary>
    public void StampRetention(DateTime now)
    {
        TrashedAt = Place == TicketPlace.Trash ? TrashedAt ?? now : null;
        ClosedAt = Status is TicketStatus.Closed or TicketStatus.NoAction ? ClosedAt ?? now : null;
    }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        builder.Property(t => t.Subject).HasMaxLength(1000);
        builder.Property(t => t.FromName).HasMaxLength(300);
        builder.Property(t => t.FromAddress).HasMaxLength(320);
        // A save of a ticket that was not claimed first (TicketVersions) fails rather than overwrite a newer change.
        builder.Property(t => t.Version).IsConcurrencyToken();
        // The inbox tabs: 未対応 / 保留 / 対応完了 / 対応不要 inside the inbox, newest first.
        builder.HasIndex(t => new { t.InboxId, t.Place, t.Status, t.LastMessageAt, t.Id });
        // ゴミ箱 and 迷惑メール tabs list every status.
        builder.HasIndex(t => new { t.InboxId, t.Place, t.LastMessageAt, t.Id });
        builder.HasIndex(t => new { t.AccountId, t.Place, t.Status, t.LastMessageAt });
        // Sorted by creation (oldest/newest created) and filtered by assignee or 保留理由 inside a tab.
        builder.HasIndex(t => new { t.InboxId, t.Place, t.Status, t.CreatedAt, t.Id });
        builder.HasIndex(t => new { t.InboxId, t.Place, t.AssigneeId, t.Status, t.LastMessageAt });
        builder.HasIndex(t => new { t.InboxId, t.Place, t.PendingReasonId, t.LastMessageAt });
        builder.HasOne<Accounts.Users.User>().WithMany().HasForeignKey(t => t.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Labels.PendingReason>().WithMany().HasForeignKey(t => t.PendingReasonId).OnDelete(DeleteBehavior.SetNull);
        // Retention: trash older than the installation's days, closed tickets of an inbox with auto-delete.
        builder.HasIndex(t => new { t.Place, t.TrashedAt });
        builder.HasIndex(t => new { t.InboxId, t.ClosedAt });
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Inbox>().WithMany().HasForeignKey(t => t.InboxId).OnDelete(DeleteBehavior.Cascade);
    }
}
