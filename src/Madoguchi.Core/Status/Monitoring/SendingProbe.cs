using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Sending, from the outbox: how long the oldest message still waiting (送信待ち, or 送信中) has waited since it was
/// queued, and the share of messages that ended 送信エラー among those finished in the recent window. A message that failed
/// on its customer's own settings or on its recipient (wrong password, refused recipient, too large …) is the customer's
/// to fix, not an outage of the service: it is left out of the rate, as receiving leaves out settings errors.</summary>
public sealed class SendingProbe(IOptions<MonitoringOptions> options) : IProbe
{
    /// <summary>Send errors that say a customer's settings or one message's recipients are wrong, not that sending is broken.</summary>
    public static readonly IReadOnlySet<string> CustomerErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        SendErrorCode.AuthenticationFailed, SendErrorCode.RelayDenied, SendErrorCode.SenderRejected, SendErrorCode.RecipientRejected,
        SendErrorCode.TooManyRecipients, SendErrorCode.MessageTooLarge, SendErrorCode.TlsRequired, SendErrorCode.CertificateUntrusted,
        SendErrorCode.CertificateNameMismatch, SendErrorCode.CertificateExpired, SendErrorCode.StartTlsUnsupported,
        SendErrorCode.NameLookupFailed, SendErrorCode.AddressNotAllowed, SendErrorCode.SendAddressMissing,
    };

    public StatusComponent Component => StatusComponent.Sending;

    public async Task<ProbeReading> RunAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var db = services.GetRequiredService<MadoguchiDbContext>();
        var t = options.Value.Sending;
        var oldest = await db.OutgoingMessages.Where(o => o.State == SendState.Queued || o.State == SendState.Sending)
            .MinAsync(o => (DateTime?)o.QueuedAt, ct);
        var since = now - t.FailureWindow;
        var sent = await db.OutgoingMessages.CountAsync(o => o.State == SendState.Sent && o.SentAt > since && o.SentAt <= now, ct);
        var failedByCode = await db.OutgoingMessages
            .Where(o => o.State == SendState.Failed && o.LastAttemptAt > since && o.LastAttemptAt <= now)
            .GroupBy(o => o.ErrorCode).Select(g => new { Code = g.Key, Count = g.Count() }).ToListAsync(ct);
        var failed = failedByCode.Where(g => g.Code is null || !CustomerErrors.Contains(g.Code)).Sum(g => g.Count);
        TimeSpan? age = oldest is { } queuedAt ? (now > queuedAt ? now - queuedAt : TimeSpan.Zero) : null;
        return ProbeThresholds.Sending(age, sent + failed, failed, t);
    }
}
