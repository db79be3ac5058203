namespace Madoguchi.Core.Tickets.Live;

/// <summary>What happened, so an open screen knows what to re-read.</summary>
public enum TicketChangeKind
{
    /// <summary>Status, place, assignee, labels, 保留理由 or inbox changed.</summary>
    Changed,

    /// <summary>A received (or later: sent) message joined the ticket, or made a new one.</summary>
    MessageAdded,

    Commented,

    /// <summary>Someone opened or left the ticket, or started or stopped doing something on it (see <see cref="PresenceNote"/>).</summary>
    Presence,

    /// <summary>A user got a notification (<see cref="TicketChange.UserId"/>): their bell changes.</summary>
    Notified,

    /// <summary>A reply draft was saved, sent or thrown away (<see cref="TicketChange.UserId"/>: its author).</summary>
    Drafted,
}

/// <summary>Who is on a ticket and doing what. Carried on <see cref="TicketChangeKind.Presence"/> events so that every
/// instance keeps the same picture.</summary>
public sealed record PresenceNote(Guid UserId, string Name, string SessionId, PresenceActivity Activity, bool Left);

/// <summary>What a person is doing on an open ticket, from least to most busy (a person with several screens shows their
/// busiest).</summary>
public enum PresenceActivity
{
    Viewing,

    /// <summary>Writing a reply: their reply box has text ("X is writing a reply", duplicate-reply prevention).</summary>
    Writing,
}

/// <summary>One small event: raised after the change commits; subscribers re-read what they show.</summary>
public sealed record TicketChange(Guid AccountId, Guid InboxId, Guid? TicketId, TicketChangeKind Kind, Guid? UserId = null, PresenceNote? Presence = null);

/// <summary>Carries ticket changes to open screens: in process, or through the database between instances.</summary>
public interface ITicketChangeFeed
{
    /// <summary>Call after the change has committed. Never throws.</summary>
    Task PublishAsync(TicketChange change, CancellationToken ct = default);

    /// <summary>Every change of one account, until the returned handle is disposed. Handlers must be quick (hand work to
    /// the UI's dispatcher); an exception in one handler never reaches the publisher or the other handlers.</summary>
    IDisposable Subscribe(Guid accountId, Action<TicketChange> handler);

    /// <summary>Every change of every account (for models such as <see cref="TicketPresence"/> that keep their own picture).</summary>
    IDisposable SubscribeAll(Action<TicketChange> handler);
}
