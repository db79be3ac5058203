using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.SupportDesk;

/// <summary>A notice to write. Tied to a closure, <see cref="ShownFrom"/> defaults to the start of the day
/// <c>NoticeDaysBefore</c> days before the closure and <see cref="ShownUntil"/> to the end of its last day (desk zone).</summary>
public sealed record CreateSupportNoticeRequest(string? TextJa, string? TextEn, DateTime? ShownFrom, DateTime? ShownUntil, Guid? ClosureId);

/// <summary>An operator writes a banner for account users (Japanese and English). Audited.</summary>
public sealed class CreateSupportNoticeCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time, IOptions<SupportDeskOptions> options)
{
    public async Task<Result<SupportNoticeView>> HandleAsync(Actor actor, CreateSupportNoticeRequest request, CancellationToken ct)
    {
        if (OperatorsOnly.Refuse(actor) is { } refused)
            return refused;
        var ja = request.TextJa?.Trim();
        var en = request.TextEn?.Trim();
        if (string.IsNullOrEmpty(ja) || string.IsNullOrEmpty(en) || ja.Length > SupportNotice.MaxTextLength || en.Length > SupportNotice.MaxTextLength)
            return new Error(ErrorKind.Invalid, "invalid_notice_text", $"textJa and textEn are both required, at most {SupportNotice.MaxTextLength} characters each.");
        var from = request.ShownFrom?.ToUniversalTime();
        var until = request.ShownUntil?.ToUniversalTime();
        if (request.ClosureId is { } closureId)
        {
            var closure = await db.SupportClosures.AsNoTracking().SingleOrDefaultAsync(c => c.Id == closureId, ct);
            if (closure is null)
                return new Error(ErrorKind.Invalid, "closure_not_found", "closureId names no closure.");
            var zone = TimeZones.Find(options.Value.TimeZone);
            from ??= TimeZones.StartOfDateUtc(closure.FirstDay.AddDays(-options.Value.NoticeDaysBefore), zone);
            until ??= TimeZones.StartOfDateUtc(closure.LastDay.AddDays(1), zone);
        }
        if (from is null || until is null)
            return new Error(ErrorKind.Invalid, "notice_period_required", "shownFrom and shownUntil are required unless the notice is tied to a closure.");
        if (until <= from)
            return new Error(ErrorKind.Invalid, "notice_period_invalid", "shownUntil must be after shownFrom.");
        var notice = new SupportNotice
        {
            TextJa = ja,
            TextEn = en,
            ShownFrom = from.Value,
            ShownUntil = until.Value,
            ClosureId = request.ClosureId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.SupportNotices.Add(notice);
        audit.RecordInstallation(AuditAction.SupportNoticeCreated, actor, $"{notice.ShownFrom:yyyy-MM-dd HH:mm}Z–{notice.ShownUntil:yyyy-MM-dd HH:mm}Z: {SetSupportHoursCommand.Truncate(notice.TextEn)}");
        await db.SaveChangesAsync(ct);
        return SupportNoticeView.From(notice);
    }
}

/// <summary>Takes a notice down (also for users who still see it). Audited.</summary>
public sealed class DeleteSupportNoticeCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid id, CancellationToken ct)
    {
        if (OperatorsOnly.Refuse(actor) is { } refused)
            return refused;
        var notice = await db.SupportNotices.SingleOrDefaultAsync(n => n.Id == id, ct);
        if (notice is null)
            return Error.NotFound("The notice");
        db.SupportNotices.Remove(notice);
        audit.RecordInstallation(AuditAction.SupportNoticeDeleted, actor, SetSupportHoursCommand.Truncate(notice.TextEn));
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}

/// <summary>Every notice, newest first (the console's list).</summary>
public sealed class ListSupportNoticesQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<SupportNoticeView>>> HandleAsync(Actor actor, CancellationToken ct)
    {
        if (OperatorsOnly.Refuse(actor) is { } refused)
            return refused;
        var notices = await db.SupportNotices.AsNoTracking().OrderByDescending(n => n.ShownFrom).Take(PageRequest.MaxLimit).ToListAsync(ct);
        return notices.Select(SupportNoticeView.From).ToList();
    }
}

/// <summary>The banners a signed-in account user sees now: notices within their period that the user has not closed.
/// Operators and others see none.</summary>
public sealed class ListCurrentNoticesQuery(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<SupportNoticeView>> HandleAsync(Actor? actor, CancellationToken ct)
    {
        if (actor is not { IsUser: true })
            return [];
        var now = time.GetUtcNow().UtcDateTime;
        var userId = actor.Id;
        var notices = await db.SupportNotices.AsNoTracking()
            .Where(n => n.ShownFrom <= now && now < n.ShownUntil)
            .Where(n => !db.SupportNoticeDismissals.Any(d => d.NoticeId == n.Id && d.UserId == userId))
            .ToListAsync(ct);
        return [.. notices.OrderBy(n => n.ShownFrom).Select(SupportNoticeView.From)];
    }
}

/// <summary>A user closes a notice's banner for themself.</summary>
public sealed class DismissNoticeCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result> HandleAsync(Actor actor, Guid noticeId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        if (!await db.SupportNotices.AnyAsync(n => n.Id == noticeId, ct))
            return Error.NotFound("The notice");
        if (!await db.SupportNoticeDismissals.AnyAsync(d => d.NoticeId == noticeId && d.UserId == actor.Id, ct))
        {
            db.SupportNoticeDismissals.Add(new SupportNoticeDismissal { NoticeId = noticeId, UserId = actor.Id, DismissedAt = time.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Two tabs closed it at once: closed is closed. Anything else (the notice deleted meanwhile) is not found.
                db.ChangeTracker.Clear();
                if (!await db.SupportNoticeDismissals.AnyAsync(d => d.NoticeId == noticeId && d.UserId == actor.Id, ct))
                    return Error.NotFound("The notice");
            }
        }
        return Result.Ok();
    }
}
