namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>The Message-IDs a batch's threading can join, per inbox: those found in the database for the batch's reply
/// headers (one query), plus every message stored earlier in the same batch. Scoped: one per transaction.</summary>
public sealed class ThreadIndex
{
    private readonly Dictionary<(Guid InboxId, string MessageId), Guid> _tickets = [];

    /// <summary>Keeps the first ticket seen for a Message-ID (a duplicate Message-ID does not move a thread).</summary>
    public void Add(Guid inboxId, string messageId, Guid ticketId) => _tickets.TryAdd((inboxId, messageId), ticketId);

    public bool TryFind(Guid inboxId, string messageId, out Guid ticketId) => _tickets.TryGetValue((inboxId, messageId), out ticketId);
}
