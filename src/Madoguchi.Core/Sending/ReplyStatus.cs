using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>The ticket status a reply sets (送信後のステータス): 対応完了 closed by default, or 保留 pending with a 保留理由 of
/// the ticket's inbox. A reason without a status means pending.</summary>
internal static class ReplyStatus
{
    public static async Task<Result<(TicketStatus Status, Guid? ReasonId)>> ReadAsync(MadoguchiDbContext db, Guid inboxId, string? statusAfter,
        Guid? pendingReasonId, CancellationToken ct)
    {
        var status = pendingReasonId is null ? TicketStatus.Closed : TicketStatus.Pending;
        if (statusAfter is { Length: > 0 } text && (!Enum.TryParse(text, ignoreCase: true, out status) || !Enum.IsDefined(status) || int.TryParse(text, out _)))
            return new Error(ErrorKind.Invalid, "status_after_invalid", "statusAfter must be \"open\", \"pending\", \"closed\" or \"noAction\".");
        if (pendingReasonId is { } reasonId)
        {
            if (status != TicketStatus.Pending)
                return new Error(ErrorKind.Invalid, "pending_reason_needs_pending", "A pending reason goes only with the status pending.");
            if (!await db.PendingReasons.AnyAsync(r => r.Id == reasonId && r.InboxId == inboxId, ct))
                return new Error(ErrorKind.Invalid, "invalid_pending_reason", "The pending reason is not one of this inbox.");
        }
        return (status, pendingReasonId);
    }

    /// <summary>The edit that sets it; a pending status without a reason keeps the ticket's current reason.</summary>
    public static TicketEdit Edit(TicketStatus status, Guid? reasonId) =>
        new() { Status = status, SetsPendingReason = reasonId is not null, PendingReasonId = reasonId };
}
