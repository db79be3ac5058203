using System.Globalization;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Health;

public sealed record ReceiveErrorView(string Code, string Ja, string En, string? Detail, DateTime? At);

public sealed record ReceiveIssueView(string Code, string Ja, string En, string? Folder, long? Uid, string? Uidl, long? Size, string? Detail, DateTime OccurredAt);

/// <summary>A message the server holds but would not give (see <c>ReceiveRetry</c>): asked again at <paramref name="NextRetryAt"/>.</summary>
public sealed record RefusedMessageView(string Code, string Ja, string En, string? Folder, long? Uid, string? Uidl, string? ServerText,
    int Attempts, DateTime FirstSeenAt, DateTime LastSeenAt, DateTime NextRetryAt);

/// <summary>A stored original the inbound pipeline could not turn into a ticket message, with its reason.</summary>
public sealed record UnprocessedMessageView(Guid RawMessageId, string? MessageId, DateTime ReceivedAt, string Reason);

public sealed record ReceiveProgressView(long Stored, long Total, string Text, DateTime? At);

public sealed record ReceiveServerStatusView(
    Guid ServerId, string Protocol, string Host, int Port, string Username, bool Healthy,
    DateTime? LastAttemptAt, DateTime? LastSuccessAt, int FetchedToday, ReceiveErrorView? LastError,
    ReceiveProgressView Progress, string? LeaseOwner, DateTime? LeaseExpiresAt, IReadOnlyList<ReceiveIssueView> RecentIssues,
    IReadOnlyList<RefusedMessageView> RefusedMessages, IReadOnlyList<UnprocessedMessageView> UnprocessedMessages);

/// <summary>受信状況: per server, the last successful fetch, messages stored today (since midnight in the viewer's time zone: theirs, else the account's; never the server's), the last error in Japanese
/// and English with its technical detail, the import progress, who holds the fetch lease, and recent per-message issues.</summary>
public sealed class GetReceiveStatusQuery(MadoguchiDbContext db, GetDisplayTimeZoneQuery zones, TimeProvider time)
{
    public async Task<Result<IReadOnlyList<ReceiveServerStatusView>>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var today = TimeZones.StartOfDayUtc(time.GetUtcNow().UtcDateTime, await zones.HandleAsync(actor, ct));
        var servers = await db.ReceiveServers.AsNoTracking().Where(s => s.InboxId == inboxId).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var result = new List<ReceiveServerStatusView>();
        foreach (var s in servers)
        {
            var fetchedToday = await db.RawMessages.CountAsync(m => m.ReceiveServerId == s.Id && m.ReceivedAt >= today, ct);
            var lease = await db.FetchLeases.AsNoTracking().SingleOrDefaultAsync(l => l.ReceiveServerId == s.Id, ct);
            var issues = await db.FetchIssues.AsNoTracking().Where(i => i.ReceiveServerId == s.Id).OrderByDescending(i => i.OccurredAt).Take(20).ToListAsync(ct);
            var refused = await db.ReceiveRetries.AsNoTracking().Where(r => r.ReceiveServerId == s.Id && r.ResolvedAt == null)
                .OrderBy(r => r.FirstSeenAt).Take(50).ToListAsync(ct);
            var unprocessed = await db.RawMessages.AsNoTracking().Where(m => m.ReceiveServerId == s.Id && m.ProcessedAt == null && m.ProcessingError != null)
                .OrderByDescending(m => m.ReceivedAt).Take(20).Select(m => new UnprocessedMessageView(m.Id, m.MessageIdHeader, m.ReceivedAt, m.ProcessingError!)).ToListAsync(ct);
            ReceiveErrorView? error = null;
            if (s.LastErrorCode is { } code)
            {
                var text = ReceiveErrors.Describe(code);
                error = new ReceiveErrorView(code, text.Ja, text.En, s.LastErrorDetail, s.LastErrorAt);
            }
            var live = lease is not null && lease.ExpiresAt > time.GetUtcNow().UtcDateTime;
            result.Add(new ReceiveServerStatusView(s.Id, ReceiveServerRules.Name(s.Protocol), s.Host, s.Port, s.Username, error is null && s.LastSuccessAt is not null && refused.Count == 0 && unprocessed.Count == 0,
                s.LastAttemptAt, s.LastSuccessAt, fetchedToday, error,
                new ReceiveProgressView(s.ProgressStored, s.ProgressTotal, string.Create(CultureInfo.InvariantCulture, $"{s.ProgressStored:N0} / {s.ProgressTotal:N0}"), s.ProgressAt),
                live ? lease!.Owner : null, live ? lease!.ExpiresAt : null,
                [.. issues.Select(i =>
                {
                    var t = ReceiveErrors.Describe(i.Code);
                    return new ReceiveIssueView(i.Code, t.Ja, t.En, i.Folder, i.Uid, i.Uidl, i.Size, i.Detail, i.OccurredAt);
                })],
                [.. refused.Select(r =>
                {
                    var t = ReceiveErrors.Describe(r.Code);
                    return new RefusedMessageView(r.Code, t.Ja, t.En, r.Folder, r.Uid, r.Uidl, r.ServerText, r.Attempts, r.FirstSeenAt, r.LastSeenAt, r.NextRetryAt);
                })],
                unprocessed));
        }
        return result;
    }
}
