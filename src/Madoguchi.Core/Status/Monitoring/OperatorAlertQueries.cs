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

/// <summary>One alert email as the console shows it: <c>sent</c>, <c>pending</c> (waiting for the next round, perhaps
/// after a temporary failure) or <c>failed</c> (given up), with the last error in plain words.</summary>
public sealed record AlertEmailView(Guid Id, StatusComponent Component, ComponentState State, ComponentState PreviousState, bool IsRecovery,
    DateTime CreatedAt, string Status, int Attempts, DateTime? SentAt, Sending.SendErrorView? Error);

/// <summary>Whether alert emails are on, how many recipients they go to, and the latest alert emails.</summary>
public sealed record AlertEmailsView(bool Enabled, int Recipients, IReadOnlyList<AlertEmailView> Recent);

/// <summary>The alert email path for the operator console: on or off, and the latest emails with their outcome, so a
/// relay that refuses alerts is seen where the alerts are read.</summary>
public sealed class ListAlertEmailsQuery(MadoguchiDbContext db, Microsoft.Extensions.Options.IOptions<AlertMailOptions> options)
{
    public const int Limit = 20;

    public async Task<Result<AlertEmailsView>> HandleAsync(Actor actor, CancellationToken ct)
    {
        if (actor.Kind != ActorKind.Operator)
            return OperatorAlertRules.OperatorsOnly;
        var settings = options.Value;
        var recipients = settings.Recipients.Count > 0 ? settings.Recipients.Count : await db.Operators.CountAsync(ct);
        var rows = await db.AlertEmails.AsNoTracking().OrderByDescending(a => a.CreatedAt).Take(Limit).ToListAsync(ct);
        return new AlertEmailsView(settings.Enabled, recipients, rows.Select(View).ToList());
    }

    private static AlertEmailView View(AlertEmail a) => new(a.Id, a.Component, a.State, a.PreviousState, a.IsRecovery, a.CreatedAt,
        a.SentAt is not null ? "sent" : a.FailedAt is not null ? "failed" : "pending", a.Attempts, a.SentAt, Error(a));

    private static Sending.SendErrorView? Error(AlertEmail a) => a.ErrorCode switch
    {
        null => null,
        AlertEmail.NoRecipient => new Sending.SendErrorView(a.ErrorCode, null,
            "送信先がありません。Madoguchi:Alerts:Recipients を設定するか、運営者のメールアドレスを登録してください。",
            "There is nobody to send it to. Set Madoguchi:Alerts:Recipients or give the operators an email address."),
        _ => Sending.SendErrors.Describe(a.ErrorCode, a.ServerReply),
    };
}
