using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets.History;
using Madoguchi.Core.Tickets.Labels;
using Madoguchi.Core.Tickets.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>Applies one <see cref="TicketEdit"/> to a tracked ticket inside the caller's transaction: checks every rule
/// (roles, assignee, labels and 保留理由 of the ticket's inbox), and adds the history lines, audit entries and
/// notifications that go with the change. Saves nothing; the caller commits or rolls back.</summary>
public sealed class TicketEditor(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result> ApplyAsync(Actor actor, User me, Ticket t, InboxRole role, TicketEdit edit, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var accountId = t.AccountId;
        var changes = new List<(TicketChangeField Field, string? From, string? To)>();
        var currentLabels = await db.TicketLabels.Where(x => x.TicketId == t.Id).ToListAsync(ct);
        var labelIds = currentLabels.Select(x => x.LabelId).ToHashSet();
        var wantedLabels = edit.LabelIds is null ? new HashSet<Guid>(labelIds) : edit.LabelIds.ToHashSet();
        if (edit.AddLabelIds is not null)
            wantedLabels.UnionWith(edit.AddLabelIds);
        if (edit.RemoveLabelIds is not null)
            wantedLabels.ExceptWith(edit.RemoveLabelIds);

        if (edit.InboxId is { } targetInbox && targetInbox != t.InboxId)
        {
            if (role < InboxRole.Manager)
                return new Error(ErrorKind.Forbidden, "inbox_role_too_low", "Moving a ticket needs the inbox role Manager or higher on both inboxes.");
            var target = await db.RequireRoleAsync(actor, targetInbox, InboxRole.Manager, ct);
            if (!target.Succeeded)
                return target.Error!.Kind == ErrorKind.NotFound ? new Error(ErrorKind.Invalid, "invalid_inbox", "The target inbox was not found.") : target.Error!;
            var fromName = await db.Inboxes.Where(i => i.Id == t.InboxId).Select(i => i.Name).SingleAsync(ct);
            changes.Add((TicketChangeField.Inbox, fromName, target.Value.Inbox.Name));
            audit.Record(AuditAction.TicketMoved, accountId, actor, detail: Detail(t, fromName, target.Value.Inbox.Name));
            t.InboxId = targetInbox;
            await db.TicketMessages.Where(m => m.TicketId == t.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.InboxId, targetInbox), ct);
            // Labels and 保留理由 belong to an inbox: they stay behind unless new ones of the target are given.
            if (edit.LabelIds is null)
                wantedLabels.Clear();
            if (t.PendingReasonId is not null && !edit.SetsPendingReason)
            {
                changes.Add((TicketChangeField.PendingReason, await ReasonNameAsync(t.PendingReasonId, ct), null));
                t.PendingReasonId = null;
            }
            if (t.AssigneeId is { } assignee && !edit.SetsAssignee && !await InboxMembers.CanSeeAsync(db, accountId, targetInbox, assignee, ct))
            {
                changes.Add((TicketChangeField.Assignee, await UserNameAsync(assignee, ct), null));
                t.AssigneeId = null;
            }
        }

        var newStatus = edit.Status ?? t.Status;
        if (edit.SetsPendingReason && edit.PendingReasonId is not null)
        {
            if (edit.Status is { } given && given != TicketStatus.Pending)
                return new Error(ErrorKind.Invalid, "pending_reason_needs_pending", "A pending reason goes only with the status pending.");
            newStatus = TicketStatus.Pending;
        }
        if (newStatus != t.Status)
        {
            changes.Add((TicketChangeField.Status, t.Status.ToString(), newStatus.ToString()));
            audit.Record(AuditAction.TicketStatusChanged, accountId, actor, detail: Detail(t, t.Status.ToString(), newStatus.ToString()));
            t.Status = newStatus;
        }
        var newReason = edit.SetsPendingReason ? edit.PendingReasonId : t.PendingReasonId;
        if (t.Status != TicketStatus.Pending)
            newReason = null;
        if (newReason is { } reasonId && !await db.PendingReasons.AnyAsync(r => r.Id == reasonId && r.InboxId == t.InboxId, ct))
            return new Error(ErrorKind.Invalid, "invalid_pending_reason", "The pending reason is not one of this inbox.");
        if (newReason != t.PendingReasonId)
        {
            changes.Add((TicketChangeField.PendingReason, await ReasonNameAsync(t.PendingReasonId, ct), await ReasonNameAsync(newReason, ct)));
            t.PendingReasonId = newReason;
        }

        if (edit.Place is { } place && place != t.Place)
        {
            changes.Add((TicketChangeField.Place, t.Place.ToString(), place.ToString()));
            audit.Record(AuditAction.TicketPlaceChanged, accountId, actor, detail: Detail(t, t.Place.ToString(), place.ToString()));
            t.Place = place;
        }

        if (edit.SetsAssignee && edit.AssigneeId != t.AssigneeId)
        {
            if (edit.AssigneeId is { } assigneeId && !await InboxMembers.CanSeeAsync(db, accountId, t.InboxId, assigneeId, ct))
                return new Error(ErrorKind.Invalid, "invalid_assignee", "The assignee must be an active user who can see the ticket's inbox.");
            var from = await UserNameAsync(t.AssigneeId, ct);
            var to = await UserNameAsync(edit.AssigneeId, ct);
            changes.Add((TicketChangeField.Assignee, from, to));
            audit.Record(AuditAction.TicketAssigned, accountId, actor, detail: Detail(t, from ?? "-", to ?? "-"));
            t.AssigneeId = edit.AssigneeId;
            if (edit.AssigneeId is { } notified && notified != me.Id)
            {
                db.Notifications.Add(new Notification
                {
                    AccountId = accountId, UserId = notified, TicketId = t.Id, Kind = NotificationKind.Assigned,
                    ActorName = me.DisplayName, Text = Cut(t.Subject, 300), CreatedAt = now,
                });
                Notified.Add(notified);
            }
        }

        if (!wantedLabels.SetEquals(labelIds))
        {
            var labels = await db.Labels.AsNoTracking().Where(l => l.InboxId == t.InboxId).ToListAsync(ct);
            if (wantedLabels.Any(id => labels.All(l => l.Id != id)))
                return new Error(ErrorKind.Invalid, "invalid_label", "Every label must be a label of the ticket's inbox.");
            var everyLabel = await db.Labels.AsNoTracking().Where(l => labelIds.Contains(l.Id) || l.InboxId == t.InboxId).ToListAsync(ct);
            var paths = LabelRules.Views(everyLabel).ToDictionary(v => v.Id, v => v.Path);
            string Names(IEnumerable<Guid> ids) => string.Join(", ", ids.Select(id => paths.GetValueOrDefault(id, "?")).Order(StringComparer.Ordinal));
            var from = Names(labelIds);
            var to = Names(wantedLabels);
            changes.Add((TicketChangeField.Labels, from, to));
            audit.Record(AuditAction.TicketLabelsChanged, accountId, actor, detail: Detail(t, from, to));
            db.TicketLabels.RemoveRange(currentLabels.Where(x => !wantedLabels.Contains(x.LabelId)));
            db.TicketLabels.AddRange(wantedLabels.Where(id => !labelIds.Contains(id)).Select(id => new TicketLabel { TicketId = t.Id, LabelId = id }));
        }

        foreach (var (field, from, to) in changes)
        {
            db.TicketHistory.Add(new TicketHistoryEntry
            {
                AccountId = accountId, TicketId = t.Id, At = now, ActorUserId = me.Id, ActorName = me.DisplayName,
                Field = field, From = from is null ? null : Cut(from, 1000), To = to is null ? null : Cut(to, 1000),
            });
        }
        // ゴミ箱's 30-day clock and auto-delete of closed tickets follow the place and status just set.
        t.StampRetention(now);
        return Result.Ok();
    }

    /// <summary>Users who got a notification from the last edits (their bells change once the caller commits).</summary>
    public List<Guid> Notified { get; } = [];

    private async Task<string?> ReasonNameAsync(Guid? id, CancellationToken ct) =>
        id is { } reasonId ? await db.PendingReasons.Where(r => r.Id == reasonId).Select(r => r.Name).SingleOrDefaultAsync(ct) : null;

    private async Task<string?> UserNameAsync(Guid? id, CancellationToken ct)
    {
        if (id is not { } userId)
            return null;
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.FamilyName, u.GivenName }).SingleOrDefaultAsync(ct);
        return user is null ? null : $"{user.FamilyName} {user.GivenName}";
    }

    private static string Detail(Ticket t, string from, string to) => Cut($"{Cut(t.Subject, 200)} ({t.Id}): {from} → {to}", 1000);

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>Who works an inbox: active users of the account who are owners or have a role above 権限なし on it.</summary>
internal static class InboxMembers
{
    public static IQueryable<User> Of(MadoguchiDbContext db, Guid accountId, Guid inboxId) =>
        db.Users.Where(u => u.AccountId == accountId && u.State == UserState.Active
            && (u.IsOwner || db.InboxRoles.Any(r => r.InboxId == inboxId && r.UserId == u.Id && r.Role != InboxRole.None)));

    public static Task<bool> CanSeeAsync(MadoguchiDbContext db, Guid accountId, Guid inboxId, Guid userId, CancellationToken ct) =>
        Of(db, accountId, inboxId).AnyAsync(u => u.Id == userId, ct);
}
