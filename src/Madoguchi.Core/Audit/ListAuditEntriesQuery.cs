using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Plans;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Audit;

public sealed record AuditFilter(AuditAction? Action = null, Guid? UserId = null, DateTime? From = null, DateTime? To = null);

public sealed record AuditEntryView(long Id, DateTime At, AuditAction Action, Guid? ActorUserId, string ActorName,
    Guid? TargetUserId, string? TargetName, string? Detail, string? IpAddress);

/// <summary>監査ログ (owners only), newest first. <see cref="AuditFilter.UserId"/> matches the actor or the target. Only the
/// days the account's plan keeps (7 or 365) are shown, also between two retention rounds.</summary>
public sealed class ListAuditEntriesQuery(MadoguchiDbContext db, AccountFeaturesReader features, TimeProvider time)
{
    public async Task<Result<Page<AuditEntryView>>> HandleAsync(Actor actor, AuditFilter filter, PageRequest page, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var kept = time.GetUtcNow().UtcDateTime.AddDays(-(await features.GetAsync(actor.AccountId!.Value, ct)).AuditRetentionDays);
        var query = db.AuditEntries.AsNoTracking().Where(e => e.AccountId == actor.AccountId && e.At >= kept);
        if (filter.Action is { } action)
            query = query.Where(e => e.Action == action);
        if (filter.UserId is { } userId)
            query = query.Where(e => e.ActorUserId == userId || e.TargetUserId == userId);
        if (filter.From is { } from)
            query = query.Where(e => e.At >= from);
        if (filter.To is { } to)
            query = query.Where(e => e.At < to);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Page(page)
            .Select(e => new AuditEntryView(e.Id, e.At, e.Action, e.ActorUserId, e.ActorName, e.TargetUserId, e.TargetName, e.Detail, e.IpAddress))
            .ToListAsync(ct);
        return new Page<AuditEntryView>(items, total);
    }
}
