using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Fetches every receive server on its poll interval, and at once when IDLE reports new mail. Thin: each pass
/// runs <see cref="FetchServerCommand"/> in its own scope, fails alone and leaves its status on the server row.</summary>
public sealed class MailFetchWorker(
    IServiceScopeFactory scopes,
    FetchTrigger trigger,
    IOptions<ReceivingOptions> options,
    Network.GuardedConnector connector,
    TimeProvider time,
    ILogger<MailFetchWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ListEvery = TimeSpan.FromSeconds(5);
    private readonly Dictionary<Guid, DateTime> _due = [];
    private readonly Dictionary<Guid, Task> _running = [];
    private readonly HashSet<Guid> _again = [];
    private readonly Dictionary<Guid, (ServerPlan Plan, CancellationTokenSource Stop, Task Loop)> _idle = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
            return;
        ReceivingLog.WorkerStarted(logger, options.Value.InstanceId);
        List<ServerPlan> servers = [];
        var listedAt = DateTime.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow().UtcDateTime;
                var unlisted = false;
                while (trigger.Reader.TryRead(out var id))
                {
                    if (_running.ContainsKey(id))
                        _again.Add(id);
                    _due[id] = now;
                    unlisted |= !servers.Exists(s => s.Id == id);
                }
                // A server added a moment ago is fetched now, not at the next listing (up to 5 s later).
                if (unlisted || now - listedAt >= ListEvery)
                {
                    servers = await ListServersAsync(servers, stoppingToken);
                    listedAt = now;
                    ReconcileIdle(servers, stoppingToken);
                }
                foreach (var done in _running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                {
                    _running.Remove(done);
                    var poll = servers.FirstOrDefault(s => s.Id == done)?.PollSeconds ?? 60;
                    _due[done] = _again.Remove(done) ? now : now.AddSeconds(poll);
                }
                foreach (var server in servers)
                {
                    if (_running.Count >= options.Value.MaxParallelServers)
                        break;
                    if (_running.ContainsKey(server.Id) || _due.GetValueOrDefault(server.Id, DateTime.MinValue) > now)
                        continue;
                    _running[server.Id] = Task.Run(() => PassAsync(server.Id, stoppingToken), CancellationToken.None);
                }
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wake.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    await trigger.Reader.WaitToReadAsync(wake.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (_, stop, _) in _idle.Values)
                await stop.CancelAsync();
            await Task.WhenAll(_running.Values.Concat(_idle.Values.Select(i => i.Loop)).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private async Task PassAsync(Guid serverId, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FetchServerCommand>().HandleAsync(serverId, waitForLease: false, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            ReceivingLog.WorkerPassCrashed(logger, serverId, e);
        }
    }

    private sealed record ServerPlan(Guid Id, int PollSeconds, bool Idle, string Folder, ServerConnection? Connection);

    private async Task<List<ServerPlan>> ListServersAsync(List<ServerPlan> previous, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
            var protector = scope.ServiceProvider.GetRequiredService<ReceivePasswordProtector>();
            var rows = await db.ReceiveServers.AsNoTracking().ToListAsync(ct);
            return [.. rows.Select(s => new ServerPlan(s.Id, Math.Max(1, s.PollSeconds), s.Protocol == ReceiveProtocol.Imap && s.UseIdle, s.Folders.FirstOrDefault() ?? "INBOX",
                s.Protocol == ReceiveProtocol.Imap && s.UseIdle ? TryConnection(s, protector) : null))];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ReceivingLog.WorkerListFailed(logger, e);
            return previous;
        }
    }

    private static ServerConnection? TryConnection(ReceiveServer s, ReceivePasswordProtector protector)
    {
        try
        {
            return new ServerConnection(s.Id, s.Host, s.Port, s.Security, s.ValidateCertificate, s.Username, protector.Unprotect(s.ProtectedPassword));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private void ReconcileIdle(List<ServerPlan> servers, CancellationToken stoppingToken)
    {
        var wanted = servers.Where(s => s.Idle && s.Connection is not null).ToDictionary(s => s.Id);
        foreach (var (id, (plan, stop, loop)) in _idle.ToList())
        {
            // Gone, settings changed (host, password …), or the loop ended: stop it; a new one starts below.
            var current = wanted.GetValueOrDefault(id);
            if (current != plan || loop.IsCompleted)
            {
                stop.Cancel();
                _idle.Remove(id);
            }
        }
        foreach (var plan in wanted.Values.Where(p => !_idle.ContainsKey(p.Id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _idle[plan.Id] = (plan, stop, Task.Run(() => IdleLoopAsync(plan, stop.Token), CancellationToken.None));
        }
    }

    /// <summary>Keeps IDLE up; after a failure waits and tries again; gives up when the server has no IDLE.</summary>
    private async Task IdleLoopAsync(ServerPlan plan, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(5);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await ImapIdleListener.ListenAsync(connector, plan.Connection!, plan.Folder, options.Value.Timeout, () => trigger.FetchSoon(plan.Id), logger, ct))
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ReceivingLog.IdleStopped(logger, plan.Id, e.Message);
                try
                {
                    await Task.Delay(delay, time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromSeconds(Math.Min(300, delay.TotalSeconds * 2));
            }
        }
    }
}
