using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Database leases: at most one app instance fetches a receive server at a time. Acquiring and renewing are one
/// atomic UPDATE each (… WHERE expired OR owner = me), so two instances racing on one PostgreSQL cannot both win; a dead
/// instance's lease simply expires. Each call uses its own short scope, so renewing runs beside a fetch's own context.</summary>
public sealed class FetchLeases(IServiceScopeFactory scopes, IOptions<ReceivingOptions> options, TimeProvider time)
{
    public string Owner => options.Value.InstanceId;

    public async Task<bool> TryAcquireAsync(Guid serverId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + options.Value.LeaseDuration;
        var owner = Owner;
        var taken = await db.FetchLeases.Where(l => l.ReceiveServerId == serverId && (l.ExpiresAt < now || l.Owner == owner))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1)
            return true;
        if (await db.FetchLeases.AnyAsync(l => l.ReceiveServerId == serverId, ct))
            return false;
        // First fetch of this server: create the row; of two instances doing this at once, one insert fails.
        db.FetchLeases.Add(new FetchLease { ReceiveServerId = serverId, Owner = owner, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
    }

    /// <summary>Extends the lease; false means another instance holds it now and this one must stop.</summary>
    public async Task<bool> RenewAsync(Guid serverId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var until = time.GetUtcNow().UtcDateTime + options.Value.LeaseDuration;
        var owner = Owner;
        return await db.FetchLeases.Where(l => l.ReceiveServerId == serverId && l.Owner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, until), ct) == 1;
    }

    public async Task ReleaseAsync(Guid serverId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var past = time.GetUtcNow().UtcDateTime.AddSeconds(-1);
        var owner = Owner;
        await db.FetchLeases.Where(l => l.ReceiveServerId == serverId && l.Owner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, past), CancellationToken.None);
    }
}

/// <summary>In this process, one pass per server at a time (the worker and "fetch now" share the instance's lease).</summary>
public sealed class FetchGate
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, SemaphoreSlim> _gates = new();

    public SemaphoreSlim For(Guid serverId) => _gates.GetOrAdd(serverId, _ => new SemaphoreSlim(1, 1));
}
