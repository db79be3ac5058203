using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets.Labels;

public sealed record PendingReasonView(Guid Id, Guid InboxId, string Name, int Position);

internal static class PendingReasonRules
{
    public static Error? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100
            ? new Error(ErrorKind.Invalid, "invalid_pending_reason_name", "A pending reason needs a name of 1 to 100 characters.")
            : null;

    public static PendingReasonView View(PendingReason r) => new(r.Id, r.InboxId, r.Name, r.Position);
}

/// <summary>The 保留理由 of an inbox in their order, for anyone who sees it.</summary>
public sealed class ListPendingReasonsQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<PendingReasonView>>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        var reasons = await db.PendingReasons.AsNoTracking().Where(r => r.InboxId == inboxId).OrderBy(r => r.Position).ThenBy(r => r.Name).ToListAsync(ct);
        return reasons.Select(PendingReasonRules.View).ToList();
    }
}

/// <summary>Adds a 保留理由 (マネージャー and up), at most ten per inbox.</summary>
public sealed class CreatePendingReasonCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<PendingReasonView>> HandleAsync(Actor actor, Guid inboxId, string? name, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Manager, ct);
        if (!access.Succeeded)
            return access.Error!;
        if (PendingReasonRules.CheckName(name) is { } invalid)
            return invalid;
        var positions = await db.PendingReasons.Where(r => r.InboxId == inboxId).Select(r => r.Position).ToListAsync(ct);
        if (positions.Count >= PendingReason.MaxPerInbox)
            return new Error(ErrorKind.Conflict, "pending_reason_limit", $"An inbox has at most {PendingReason.MaxPerInbox} pending reasons.");
        var reason = new PendingReason { AccountId = actor.AccountId!.Value, InboxId = inboxId, Name = name!.Trim(), Position = positions.Count == 0 ? 0 : positions.Max() + 1 };
        db.PendingReasons.Add(reason);
        audit.Record(AuditAction.PendingReasonCreated, actor.AccountId!.Value, actor, detail: $"{access.Value.Inbox.Name}: {reason.Name}");
        await db.SaveChangesAsync(ct);
        return PendingReasonRules.View(reason);
    }
}

/// <summary>Renames or reorders a 保留理由 (マネージャー and up).</summary>
public sealed class UpdatePendingReasonCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<PendingReasonView>> HandleAsync(Actor actor, Guid inboxId, Guid reasonId, string? name, int? position, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Manager, ct);
        if (!access.Succeeded)
            return access.Error!;
        var reason = await db.PendingReasons.SingleOrDefaultAsync(r => r.Id == reasonId && r.InboxId == inboxId, ct);
        if (reason is null)
            return Error.NotFound("The pending reason");
        if (name is not null && PendingReasonRules.CheckName(name) is { } invalid)
            return invalid;
        if (position is < 0)
            return new Error(ErrorKind.Invalid, "invalid_position", "position must be 0 or more.");
        reason.Name = name?.Trim() ?? reason.Name;
        reason.Position = position ?? reason.Position;
        audit.Record(AuditAction.PendingReasonChanged, actor.AccountId!.Value, actor, detail: $"{access.Value.Inbox.Name}: {reason.Name}");
        await db.SaveChangesAsync(ct);
        return PendingReasonRules.View(reason);
    }
}

/// <summary>Deletes a 保留理由 (マネージャー and up); its tickets stay 保留 under 保留理由なし.</summary>
public sealed class DeletePendingReasonCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid inboxId, Guid reasonId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Manager, ct);
        if (!access.Succeeded)
            return access.Error!;
        var reason = await db.PendingReasons.SingleOrDefaultAsync(r => r.Id == reasonId && r.InboxId == inboxId, ct);
        if (reason is null)
            return Error.NotFound("The pending reason");
        await db.Tickets.Where(t => t.PendingReasonId == reasonId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.PendingReasonId, (Guid?)null)
            .SetProperty(t => t.Version, t => t.Version + 1), ct);
        db.PendingReasons.Remove(reason);
        audit.Record(AuditAction.PendingReasonDeleted, actor.AccountId!.Value, actor, detail: $"{access.Value.Inbox.Name}: {reason.Name}");
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
