using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Retention;

/// <summary>One retention round over every account: tickets in ゴミ箱 longer than the installation's days, and 対応完了 /
/// 対応不要 tickets of inboxes with auto-delete older than the inbox's days, are deleted for good; one audit entry per inbox
/// and rule. Then each account's audit entries older than its plan keeps them go (<see cref="PruneAuditLogCommand"/>), and
/// uploads no sent message used (<see cref="Sending.Uploads.PruneUploadsCommand"/>).
/// The clock is the host's <see cref="TimeProvider"/>.</summary>
public sealed class RunRetentionCommand(MadoguchiDbContext db, TicketEraser eraser, AuditTrail audit, TimeProvider time, IOptions<RetentionOptions> options,
    PruneAuditLogCommand auditLog, Sending.Uploads.PruneUploadsCommand uploads, ILogger<RunRetentionCommand> logger)
{
    public static Actor System { get; } = new(ActorKind.ServerConsole, Guid.Empty, null, "retention", null);

    public async Task<ErasedTickets> HandleAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var trashCutoff = now.AddDays(-options.Value.TrashDays);
        // Tickets trashed before TrashedAt existed count from their last message.
        var trash = await db.Tickets.AsNoTracking()
            .Where(t => t.Place == TicketPlace.Trash && (t.TrashedAt ?? t.LastMessageAt) <= trashCutoff)
            .Select(t => new { t.Id, t.InboxId, t.AccountId }).ToListAsync(ct);
        var total = ErasedTickets.None;
        foreach (var inbox in trash.GroupBy(t => (t.InboxId, t.AccountId)))
            total = total.Add(await EraseAsync(inbox.Key.AccountId, inbox.Key.InboxId, inbox.Select(t => t.Id).ToList(),
                $"ゴミ箱 older than {options.Value.TrashDays} days", ct));

        var autoDeleting = await db.Inboxes.AsNoTracking().Where(i => i.AutoDeleteClosedAfterDays != null)
            .Select(i => new { i.Id, i.AccountId, Days = i.AutoDeleteClosedAfterDays!.Value }).ToListAsync(ct);
        foreach (var inbox in autoDeleting)
        {
            var cutoff = now.AddDays(-inbox.Days);
            var closed = await db.Tickets.AsNoTracking()
                .Where(t => t.InboxId == inbox.Id && t.Place == TicketPlace.Inbox && (t.Status == TicketStatus.Closed || t.Status == TicketStatus.NoAction)
                    && (t.ClosedAt ?? t.LastMessageAt) <= cutoff)
                .Select(t => t.Id).ToListAsync(ct);
            total = total.Add(await EraseAsync(inbox.AccountId, inbox.Id, closed, $"closed tickets older than {inbox.Days} days", ct));
        }
        if (total.Tickets > 0)
            RetentionLog.RoundDone(logger, total.Tickets, total.Messages, total.ReleasedBytes);
        var auditEntries = await auditLog.HandleAsync(ct);
        if (auditEntries > 0)
            RetentionLog.AuditEntriesExpired(logger, auditEntries);
        // Uploads for attachments that no sent message used within a day (Madoguchi:Sending:UploadRetention).
        await uploads.HandleAsync(ct);
        return total;
    }

    private async Task<ErasedTickets> EraseAsync(Guid accountId, Guid inboxId, List<Guid> ids, string rule, CancellationToken ct)
    {
        if (ids.Count == 0)
            return ErasedTickets.None;
        var name = await db.Inboxes.AsNoTracking().Where(i => i.Id == inboxId).Select(i => i.Name).SingleAsync(ct);
        audit.Record(AuditAction.RetentionDeleted, accountId, System, detail: $"{name}: {ids.Count} ticket(s), {rule}");
        return await eraser.EraseAsync(ids, ct);
    }
}
