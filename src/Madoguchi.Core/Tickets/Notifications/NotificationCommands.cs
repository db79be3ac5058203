using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets.Notifications;

public sealed record NotificationView(Guid Id, Guid TicketId, NotificationKind Kind, string ActorName, string Text, DateTime CreatedAt, bool Read);

/// <summary>The bell: <see cref="Unread"/> counts every unread notification, whatever the page.</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, int Total, int Unread);

/// <summary>The actor's own notifications, newest first; only those of tickets they still see.</summary>
public sealed class ListNotificationsQuery(MadoguchiDbContext db)
{
    public async Task<Result<NotificationPage>> HandleAsync(Actor actor, bool unreadOnly, PageRequest page, CancellationToken ct)
    {
        var visible = await db.VisibleInboxIdsAsync(actor, ct);
        if (!visible.Succeeded)
            return visible.Error!;
        var inboxes = visible.Value!;
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == actor.Id
            && db.Tickets.Any(t => t.Id == n.TicketId && inboxes.Contains(t.InboxId)));
        var unread = await mine.CountAsync(n => n.ReadAt == null, ct);
        var shown = unreadOnly ? mine.Where(n => n.ReadAt == null) : mine;
        var total = unreadOnly ? unread : await shown.CountAsync(ct);
        var items = await shown.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Page(page)
            .Select(n => new NotificationView(n.Id, n.TicketId, n.Kind, n.ActorName, n.Text, n.CreatedAt, n.ReadAt != null)).ToListAsync(ct);
        return new NotificationPage(items, total, unread);
    }
}

/// <summary>Marks one of the actor's notifications read; someone else's answers 404.</summary>
public sealed class MarkNotificationReadCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result> HandleAsync(Actor actor, Guid notificationId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var now = time.GetUtcNow().UtcDateTime;
        var found = await db.Notifications.Where(n => n.Id == notificationId && n.UserId == actor.Id).ExecuteUpdateAsync(s => s
            .SetProperty(n => n.ReadAt, n => n.ReadAt ?? now), ct);
        return found == 0 ? Error.NotFound("The notification") : Result.Ok();
    }
}

/// <summary>Marks every notification of the actor read.</summary>
public sealed class MarkAllNotificationsReadCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result> HandleAsync(Actor actor, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var now = time.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.UserId == actor.Id && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        return Result.Ok();
    }
}
