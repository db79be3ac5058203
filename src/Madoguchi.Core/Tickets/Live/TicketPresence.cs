using System.Collections.Concurrent;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>Who has which ticket open, and doing what (重複返信の防止). Each open screen enters with its own session id and
/// leaves when it closes; every entry, change of activity and exit travels as a <see cref="TicketChangeKind.Presence"/>
/// event, and every instance builds its picture from those events, so two instances on PostgreSQL agree.
/// "X is writing a reply" is a new <see cref="PresenceActivity"/> sent with <see cref="SetActivityAsync"/>.</summary>
public sealed class TicketPresence : IDisposable
{
    private readonly ITicketChangeFeed _feed;
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, PresenceNote>> _byTicket = new();
    private readonly IDisposable _listening;

    public TicketPresence(ITicketChangeFeed feed)
    {
        _feed = feed;
        _listening = feed.SubscribeAll(change =>
        {
            if (change is { Kind: TicketChangeKind.Presence, TicketId: { } ticketId, Presence: { } note })
                Apply(ticketId, note);
        });
    }

    public Task EnterAsync(Guid accountId, Guid inboxId, Guid ticketId, Guid userId, string name, string sessionId) =>
        SendAsync(accountId, inboxId, ticketId, new PresenceNote(userId, name, sessionId, PresenceActivity.Viewing, Left: false));

    public Task SetActivityAsync(Guid accountId, Guid inboxId, Guid ticketId, Guid userId, string name, string sessionId, PresenceActivity activity) =>
        SendAsync(accountId, inboxId, ticketId, new PresenceNote(userId, name, sessionId, activity, Left: false));

    public Task LeaveAsync(Guid accountId, Guid inboxId, Guid ticketId, Guid userId, string name, string sessionId) =>
        SendAsync(accountId, inboxId, ticketId, new PresenceNote(userId, name, sessionId, PresenceActivity.Viewing, Left: true));

    /// <summary>Everyone on the ticket, one line per user (their busiest activity).</summary>
    public IReadOnlyList<PresenceNote> On(Guid ticketId) =>
        _byTicket.TryGetValue(ticketId, out var sessions)
            ? sessions.Values.GroupBy(n => n.UserId).Select(g => g.OrderByDescending(n => n.Activity).First()).OrderBy(n => n.Name, StringComparer.Ordinal).ToList()
            : [];

    private async Task SendAsync(Guid accountId, Guid inboxId, Guid ticketId, PresenceNote note)
    {
        Apply(ticketId, note);
        await _feed.PublishAsync(new TicketChange(accountId, inboxId, ticketId, TicketChangeKind.Presence, note.UserId, note));
    }

    private void Apply(Guid ticketId, PresenceNote note)
    {
        var sessions = _byTicket.GetOrAdd(ticketId, _ => new());
        if (note.Left)
            sessions.TryRemove(note.SessionId, out _);
        else
            sessions[note.SessionId] = note;
    }

    public void Dispose() => _listening.Dispose();
}
