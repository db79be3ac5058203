using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Status.SupportDesk;

/// <summary>Replaces the weekly business hours as a whole (an empty list: the desk never opens). Audited with the new hours.</summary>
public sealed class SetSupportHoursCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<IReadOnlyList<SupportHoursView>>> HandleAsync(Actor actor, IReadOnlyList<SupportHoursInput>? hours, CancellationToken ct)
    {
        if (OperatorsOnly.Refuse(actor) is { } refused)
            return refused;
        var checkedHours = SupportCalendarRules.CheckHours(hours);
        if (!checkedHours.Succeeded)
            return checkedHours.Error!;
        var rows = checkedHours.Value!.OrderBy(r => ((int)r.Day + 6) % 7).ThenBy(r => r.OpensMinute)
            .Select(r => new SupportHours { Day = r.Day, OpensMinute = r.OpensMinute, ClosesMinute = r.ClosesMinute }).ToList();
        db.SupportHours.RemoveRange(await db.SupportHours.ToListAsync(ct));
        db.SupportHours.AddRange(rows);
        var views = rows.Select(SupportHoursView.From).ToList();
        var detail = views.Count == 0 ? "closed every day" : string.Join(", ", views.Select(v => $"{v.Day} {v.Opens}–{v.Closes}"));
        audit.RecordInstallation(AuditAction.SupportHoursChanged, actor, Truncate(detail));
        await db.SaveChangesAsync(ct);
        return views;
    }

    internal static string Truncate(string detail) => detail.Length <= 500 ? detail : detail[..499] + "…";
}

public sealed record AddSupportClosureRequest(SupportClosureKind Kind, string? Label, DateOnly FirstDay, DateOnly LastDay);

/// <summary>Adds closed days: a long holiday (year-end, Golden Week, Obon) or a one-off closure. Audited.</summary>
public sealed class AddSupportClosureCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<SupportClosureView>> HandleAsync(Actor actor, AddSupportClosureRequest request, CancellationToken ct)
    {
        if (OperatorsOnly.Refuse(actor) is { } refused)
            return refused;
        if (SupportCalendarRules.CheckClosure(request.Label, request.FirstDay, request.LastDay, request.Kind) is { } invalid)
            return invalid;
        var closure = new SupportClosure
        {
            Kind = request.Kind,
            Label = request.Label!.Trim(),
            FirstDay = request.FirstDay,
            LastDay = request.LastDay,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.SupportClosures.Add(closure);
        audit.RecordInstallation(AuditAction.SupportClosureAdded, actor, $"{closure.Label} {closure.FirstDay:yyyy-MM-dd}–{closure.LastDay:yyyy-MM-dd}");
        await db.SaveChangesAsync(ct);
        return SupportClosureView.From(closure);
    }
}

/// <summary>Removes a closure; notices tied to it stay, untied. Audited.</summary>
public sealed class RemoveSupportClosureCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid id, CancellationToken ct)
    {
        if (OperatorsOnly.Refuse(actor) is { } refused)
            return refused;
        var closure = await db.SupportClosures.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (closure is null)
            return Error.NotFound("The closure");
        db.SupportClosures.Remove(closure);
        audit.RecordInstallation(AuditAction.SupportClosureRemoved, actor, $"{closure.Label} {closure.FirstDay:yyyy-MM-dd}–{closure.LastDay:yyyy-MM-dd}");
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
