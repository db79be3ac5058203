using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Status.Monitoring;

public sealed record OperatorAlertView(Guid Id, StatusComponent Component, ComponentState State, ComponentState PreviousState, bool IsRecovery,
    string? Detail, DateTime CreatedAt, DateTime? ReadAt);

internal static class OperatorAlertRules
{
    public static Error OperatorsOnly => new(ErrorKind.Forbidden, "operators_only", "Only the people running this installation get monitoring alerts.");

    public static OperatorAlertView View(OperatorAlert a) => new(a.Id, a.Component, a.State, a.PreviousState, a.IsRecovery, a.Detail, a.CreatedAt, a.ReadAt);
}

/// <summary>The signed-in operator's monitoring notices, newest first: unread ones, then the latest read ones.</summary>
public sealed class ListOperatorAlertsQuery(MadoguchiDbContext db)
{
    public const int Limit = 50;

    public async Task<Result<IReadOnlyList<OperatorAlertView>>> HandleAsync(Actor actor, bool unreadOnly, CancellationToken ct)
    {
        if (actor.Kind != ActorKind.Operator)
            return OperatorAlertRules.OperatorsOnly;
        var mine = db.OperatorAlerts.AsNoTracking().Where(a => a.OperatorId == actor.Id);
        if (unreadOnly)
            mine = mine.Where(a => a.ReadAt == null);
        var rows = await mine.OrderBy(a => a.ReadAt != null).ThenByDescending(a => a.CreatedAt).Take(Limit).ToListAsync(ct);
        return rows.Select(OperatorAlertRules.View).ToList();
    }
}

/// <summary>Marks one of the signed-in operator's notices read; another operator's notice is not found.</summary>
public sealed class MarkOperatorAlertReadCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<OperatorAlertView>> HandleAsync(Actor actor, Guid alertId, CancellationToken ct)
    {
        if (actor.Kind != ActorKind.Operator)
            return OperatorAlertRules.OperatorsOnly;
        var alert = await db.OperatorAlerts.SingleOrDefaultAsync(a => a.Id == alertId && a.OperatorId == actor.Id, ct);
        if (alert is null)
            return Error.NotFound("The alert");
        alert.ReadAt ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return OperatorAlertRules.View(alert);
    }
}
