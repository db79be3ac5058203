using System.Collections.Concurrent;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>Who has which ticket open, and doing what (重複返信の防止). Each open screen enters with its own session id and
/// leaves when it closes; the viewers are rows in the database (<see cref="TicketViewer"/>), so every instance reads the
/// same picture, and each instance sends a heartbeat for the screens it holds (<see cref="PresenceWorker"/>). A screen
/// whose heartbeat stopped — its browser went away without closing it, or its instance crashed — no longer counts after
/// <see cref="PresenceOptions.TimeoutSeconds"/>. Every entry, change of activity, exit and expiry also travels as a
/// <see cref="TicketChangeKind.Presence"/> event so open screens re-read at once. "X is writing a reply" is a new
/// <see cref="PresenceActivity"/> sent with <see cref="SetActivityAsync"/>.</summary>
public sealed class TicketPresence(ITicketChangeFeed feed, IServiceScopeFactory scopes, TimeProvider time, IOptions<PresenceOptions> options)
{
    /// <summary>The screens open on this instance: their heartbeats are this instance's to send.</summary>
    private readonly ConcurrentDictionary<(Guid TicketId, string SessionId), Held> _held = new();

    public Task EnterAsync(Guid accountId, Guid inboxId, Guid ticketId, Guid userId, string name, string sessionId, CancellationToken ct = default) =>
        SetActivityAsync(accountId, inboxId, ticketId, userId, name, sessionId, PresenceActivity.Viewing, ct);

    public async Task SetActivityAsync(Guid accountId, Guid inboxId, Guid ticketId, Guid userId, string name, string sessionId, PresenceActivity activity,
        CancellationToken ct = default)
    {
        var held = new Held(accountId, inboxId, userId, Cut(name, 300), activity);
        sessionId = Cut(sessionId, TicketViewer.MaxSessionId);
        _held[(ticketId, sessionId)] = held;
        await using (var scope = scopes.CreateAsyncScope())
            await UpsertAsync(scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>(), ticketId, sessionId, held, ct);
        await feed.PublishAsync(new TicketChange(accountId, inboxId, ticketId, TicketChangeKind.Presence, userId,
            new PresenceNote(userId, held.Name, sessionId, activity, Left: false)), ct);
    }

    public async Task LeaveAsync(Guid accountId, Guid inboxId, Guid ticketId, Guid userId, string name, string sessionId, CancellationToken ct = default)
    {
        sessionId = Cut(sessionId, TicketViewer.MaxSessionId);
        _held.TryRemove((ticketId, sessionId), out _);
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>().TicketViewers
                .Where(v => v.TicketId == ticketId && v.SessionId == sessionId).ExecuteDeleteAsync(ct);
        }
        await feed.PublishAsync(new TicketChange(accountId, inboxId, ticketId, TicketChangeKind.Presence, userId,
            new PresenceNote(userId, name, sessionId, PresenceActivity.Viewing, Left: true)), ct);
    }

    /// <summary>Everyone on the ticket whose heartbeat is current, one line per user (their busiest activity, since their
    /// first screen opened), by name.</summary>
    public async Task<IReadOnlyList<PresenceViewer>> OnAsync(Guid ticketId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        return await OnAsync(db, ticketId, ct);
    }

    internal async Task<IReadOnlyList<PresenceViewer>> OnAsync(MadoguchiDbContext db, Guid ticketId, CancellationToken ct)
    {
        var alive = time.GetUtcNow().UtcDateTime - options.Value.Timeout;
        var rows = await db.TicketViewers.AsNoTracking().Where(v => v.TicketId == ticketId && v.SeenAt >= alive).ToListAsync(ct);
        return rows.GroupBy(v => v.UserId)
            .Select(g => new PresenceViewer(g.Key, g.OrderByDescending(v => v.SeenAt).First().Name, g.Max(v => v.Activity), g.Min(v => v.Since)))
            .OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.UserId).ToList();
    }

    /// <summary>Says that this instance's open screens are still open (and puts back a row a sweep took while the instance
    /// was stalled).</summary>
    public async Task HeartbeatAsync(CancellationToken ct)
    {
        if (_held.IsEmpty)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var chunk in _held.ToArray().Chunk(200))
        {
            var tickets = chunk.Select(h => h.Key.TicketId).Distinct().ToList();
            var sessions = chunk.Select(h => h.Key.SessionId).Distinct().ToList();
            var touched = await db.TicketViewers.Where(v => tickets.Contains(v.TicketId) && sessions.Contains(v.SessionId))
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.SeenAt, now), ct);
            if (touched >= chunk.Length)
                continue;
            var present = (await db.TicketViewers.AsNoTracking().Where(v => tickets.Contains(v.TicketId) && sessions.Contains(v.SessionId))
                .Select(v => new { v.TicketId, v.SessionId }).ToListAsync(ct)).Select(v => (v.TicketId, v.SessionId)).ToHashSet();
            foreach (var ((ticketId, sessionId), held) in chunk.Where(h => !present.Contains(h.Key)))
            {
                // A ticket deleted meanwhile has no screen to hold.
                if (await db.Tickets.AnyAsync(t => t.Id == ticketId, ct))
                    await UpsertAsync(db, ticketId, sessionId, held, ct);
                else
                    _held.TryRemove((ticketId, sessionId), out _);
            }
        }
    }

    /// <summary>Removes viewers whose heartbeat stopped (any instance's) and tells the screens on their tickets.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var alive = time.GetUtcNow().UtcDateTime - options.Value.Timeout;
        var gone = await db.TicketViewers.AsNoTracking().Where(v => v.SeenAt < alive).OrderBy(v => v.SeenAt).Take(1000).ToListAsync(ct);
        if (gone.Count == 0)
            return 0;
        var removed = 0;
        foreach (var viewer in gone)
        {
            // Only if no heartbeat came in between.
            var deleted = await db.TicketViewers.Where(v => v.TicketId == viewer.TicketId && v.SessionId == viewer.SessionId && v.SeenAt < alive).ExecuteDeleteAsync(ct);
            if (deleted == 0)
                continue;
            removed++;
            await feed.PublishAsync(new TicketChange(viewer.AccountId, viewer.InboxId, viewer.TicketId, TicketChangeKind.Presence, viewer.UserId,
                new PresenceNote(viewer.UserId, viewer.Name, viewer.SessionId, viewer.Activity, Left: true)), ct);
        }
        return removed;
    }

    private async Task UpsertAsync(MadoguchiDbContext db, Guid ticketId, string sessionId, Held held, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.TicketViewers.Where(v => v.TicketId == ticketId && v.SessionId == sessionId).ExecuteUpdateAsync(s => s
            .SetProperty(v => v.Activity, held.Activity)
            .SetProperty(v => v.InboxId, held.InboxId)
            .SetProperty(v => v.Name, held.Name)
            .SetProperty(v => v.SeenAt, now), ct);
        if (updated > 0)
            return;
        db.TicketViewers.Add(new TicketViewer
        {
            TicketId = ticketId, SessionId = sessionId, AccountId = held.AccountId, InboxId = held.InboxId, UserId = held.UserId,
            Name = held.Name, Activity = held.Activity, Since = now, SeenAt = now,
        });
        await db.SaveChangesAsync(ct);
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];

    private sealed record Held(Guid AccountId, Guid InboxId, Guid UserId, string Name, PresenceActivity Activity);
}
