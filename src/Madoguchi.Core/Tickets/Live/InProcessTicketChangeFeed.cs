using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>Hands changes to this instance's subscribers. Also the local half of <see cref="PostgresTicketChangeFeed"/>.</summary>
public sealed partial class InProcessTicketChangeFeed(ILogger<InProcessTicketChangeFeed> log) : ITicketChangeFeed
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<object, Action<TicketChange>>> _byAccount = new();

    public Task PublishAsync(TicketChange change, CancellationToken ct = default)
    {
        Deliver(change);
        return Task.CompletedTask;
    }

    public IDisposable Subscribe(Guid accountId, Action<TicketChange> handler)
    {
        var key = new object();
        var handlers = _byAccount.GetOrAdd(accountId, _ => new());
        handlers[key] = InSubscriberCulture(handler);
        return new Subscription(() => handlers.TryRemove(key, out _));
    }

    /// <summary>A screen re-renders in its own language: the handler runs (and whatever it dispatches, since the culture
    /// flows with the execution context) in the subscriber's culture, not the publisher's — a worker, the PostgreSQL
    /// listener, or an API caller who speaks another language.</summary>
    private static Action<TicketChange> InSubscriberCulture(Action<TicketChange> handler)
    {
        var culture = CultureInfo.CurrentCulture;
        var uiCulture = CultureInfo.CurrentUICulture;
        return change =>
        {
            var (before, uiBefore) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
            try
            {
                handler(change);
            }
            finally
            {
                CultureInfo.CurrentCulture = before;
                CultureInfo.CurrentUICulture = uiBefore;
            }
        };
    }

    public IDisposable SubscribeAll(Action<TicketChange> handler) => Subscribe(Guid.Empty, handler);

    internal void Deliver(TicketChange change)
    {
        if (_byAccount.TryGetValue(Guid.Empty, out var all))
            Run(all, change);
        if (_byAccount.TryGetValue(change.AccountId, out var handlers))
            Run(handlers, change);
    }

    private void Run(ConcurrentDictionary<object, Action<TicketChange>> handlers, TicketChange change)
    {
        foreach (var handler in handlers.Values)
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                HandlerFailed(log, e, change.Kind);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A ticket change subscriber failed on a {Kind} event.")]
    private static partial void HandlerFailed(ILogger logger, Exception e, TicketChangeKind kind);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                dispose();
        }
    }
}
