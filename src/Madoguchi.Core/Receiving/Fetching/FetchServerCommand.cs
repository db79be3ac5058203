using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>What one pass did, for "fetch now" and the worker's log.</summary>
public sealed record FetchPassResult(Guid ServerId, int Stored, int Duplicates, int Issues, int DeletedOnServer, ReceiveFailure? Failure, bool Skipped = false)
{
    public bool Succeeded => Failure is null && !Skipped;
}

/// <summary>One fetch pass of one receive server: take the lease (renewed while working), fetch, record the outcome
/// on the server row. Fails alone: every failure becomes a code and detail on the row, never an exception.</summary>
public sealed class FetchServerCommand(
    MadoguchiDbContext db,
    IEnumerable<IMailFetcher> fetchers,
    FetchLeases leases,
    FetchGate gate,
    ReceivePasswordProtector passwords,
    IBlobStore blobs,
    InboundSignal signal,
    TimeProvider time,
    IOptions<ReceivingOptions> options,
    Telemetry.MadoguchiMetrics metrics,
    ILogger<FetchServerCommand> logger)
{
    /// <param name="waitForLease">true ("fetch now"): wait while another pass runs; false (worker): skip the server.</param>
    public async Task<FetchPassResult> HandleAsync(Guid serverId, bool waitForLease, CancellationToken ct)
    {
        var local = gate.For(serverId);
        if (!await local.WaitAsync(waitForLease ? Timeout.InfiniteTimeSpan : TimeSpan.Zero, ct))
            return new FetchPassResult(serverId, 0, 0, 0, 0, null, Skipped: true);
        try
        {
            while (!await leases.TryAcquireAsync(serverId, ct))
            {
                if (!waitForLease)
                    return new FetchPassResult(serverId, 0, 0, 0, 0, null, Skipped: true);
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct);
            }
            try
            {
                return await PassAsync(serverId, ct);
            }
            finally
            {
                await leases.ReleaseAsync(serverId);
            }
        }
        finally
        {
            local.Release();
        }
    }

    private async Task<FetchPassResult> PassAsync(Guid serverId, CancellationToken ct)
    {
        var server = await db.ReceiveServers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == serverId, ct);
        if (server is null)
            return new FetchPassResult(serverId, 0, 0, 0, 0, null, Skipped: true);
        var started = time.GetUtcNow().UtcDateTime;
        var startedAt = time.GetTimestamp();
        using var span = Telemetry.MadoguchiTracing.StartRoot("madoguchi.receive.fetch_pass");
        span?.SetTag("madoguchi.protocol", server.Protocol == ReceiveProtocol.Pop3 ? "pop3" : "imap");
        await db.ReceiveServers.Where(s => s.Id == serverId).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastAttemptAt, started), ct);

        using var pass = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var leaseLost = false;
        using var renewing = new CancellationTokenSource();
        var renewal = RenewWhileFetchingAsync(serverId, () => { leaseLost = true; pass.Cancel(); }, renewing.Token);

        FetchContext? context = null;
        ReceiveFailure? failure = null;
        try
        {
            var connection = new ServerConnection(server.Id, server.Host, server.Port, server.Security, server.ValidateCertificate, server.Username, passwords.Unprotect(server.ProtectedPassword));
            context = new FetchContext(server, connection, options.Value, db, blobs, signal, time, logger, metrics);
            var fetcher = fetchers.Single(f => f.Protocol == server.Protocol);
            await fetcher.FetchAsync(context, pass.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (leaseLost)
        {
            failure = new ReceiveFailure(ReceiveErrorCode.LeaseLost, $"the fetch lease was taken over; this pass stopped ({e.GetType().Name})");
        }
        catch (MessageInterruptedException e) when (context is not null)
        {
            failure = ReceiveFailureClassifier.Classify(e.InnerException!, context.Certificate, context.Connection);
            try
            {
                await context.RecordInterruptionAsync(e.Interruption, CancellationToken.None);
            }
            catch (Exception record) when (record is DbUpdateException or InvalidOperationException)
            {
                ReceivingLog.PassFailed(logger, serverId, ReceiveErrorCode.StorageFailed, record.GetType().Name, 0);
            }
        }
        catch (MailboxChangedException)
        {
            failure = new ReceiveFailure(ReceiveErrorCode.MailboxChanged, "the host, user name or protocol changed during the pass");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            failure = new ReceiveFailure(ReceiveErrorCode.AuthenticationFailed, "the stored password cannot be decrypted (Data Protection keys changed or missing)");
        }
        catch (DbUpdateException e)
        {
            failure = new ReceiveFailure(ReceiveErrorCode.StorageFailed, $"the database refused the write ({(e.InnerException ?? e).GetType().Name})");
        }
        catch (UnauthorizedAccessException)
        {
            failure = new ReceiveFailure(ReceiveErrorCode.StorageFailed, "permission denied in the data folder");
        }
        catch (Exception e)
        {
            failure = ReceiveFailureClassifier.Classify(e, context?.Certificate, context?.Connection);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }

        var counts = context?.Counts ?? new FetchCounts();
        var now = time.GetUtcNow().UtcDateTime;
        metrics.PassDone(server.Protocol, failure?.Code, time.GetElapsedTime(startedAt));
        if (span is not null)
        {
            span.SetTag("madoguchi.receive.stored", counts.Stored);
            span.SetTag("madoguchi.receive.duplicates", counts.Duplicates);
            span.SetTag("madoguchi.receive.failed", counts.Issues);
            if (failure is not null)
            {
                span.SetTag("error.type", failure.Code);
                span.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            }
        }
        if (failure is null)
        {
            await db.ReceiveServers.Where(s => s.Id == serverId).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LastSuccessAt, now).SetProperty(s => s.LastErrorCode, (string?)null)
                .SetProperty(s => s.LastErrorDetail, (string?)null).SetProperty(s => s.LastErrorAt, (DateTime?)null), CancellationToken.None);
            ReceivingLog.PassDone(logger, serverId, counts.Stored, counts.Duplicates, counts.Issues, (now - started).TotalMilliseconds);
        }
        else
        {
            await db.ReceiveServers.Where(s => s.Id == serverId).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LastErrorCode, failure.Code).SetProperty(s => s.LastErrorDetail, failure.Detail)
                .SetProperty(s => s.LastErrorAt, now), CancellationToken.None);
            ReceivingLog.PassFailed(logger, serverId, failure.Code, failure.Detail, counts.Stored);
        }
        return new FetchPassResult(serverId, counts.Stored, counts.Duplicates, counts.Issues, counts.DeletedOnServer, failure);
    }

    private async Task RenewWhileFetchingAsync(Guid serverId, Action lost, CancellationToken stop)
    {
        var every = options.Value.LeaseDuration / 3;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, time, stop);
                if (!await leases.RenewAsync(serverId, stop))
                {
                    ReceivingLog.LeaseLost(logger, serverId);
                    lost();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or TimeoutException)
        {
            // The database is unreachable: the fetch's own commits will fail too; the lease just expires.
            ReceivingLog.LeaseRenewalFailed(logger, serverId, e.Message);
        }
    }
}
