using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending;

/// <summary>Keeps a claim's lease on the messages it is sending: every third of <see cref="SendingOptions.LeaseDuration"/>
/// one atomic UPDATE (… WHERE sending AND owner = this claim) pushes the lease's end out again, in a scope of its own (the
/// send runs beside it on its own context). When fewer rows than the claim has still to send are its own, another instance
/// took some (the lease ran out): it cancels the send.</summary>
public sealed class OutboxLease(IServiceScopeFactory scopes, IOptions<SendingOptions> options, TimeProvider time)
{
    /// <summary>Renews until <paramref name="sending"/> is cancelled (the send ended); cancels it when the lease is lost.
    /// <paramref name="pending"/>: how many messages the claim has not yet written an outcome for.</summary>
    public async Task KeepAsync(string owner, Func<int> pending, CancellationTokenSource sending)
    {
        var every = options.Value.LeaseDuration / 3;
        while (!sending.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, sending.Token);
                // Counted after the UPDATE: the sender lowers its count before it writes an outcome, so a message just
                // finished never looks stolen.
                if (await RenewAsync(owner, sending.Token) < pending())
                {
                    await sending.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
            {
                // The database did not answer this time: try again at the next tick; the lease still has two thirds left.
            }
        }
    }

    /// <summary>How many messages the claim still owns (and are being sent).</summary>
    public async Task<int> RenewAsync(string owner, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var until = time.GetUtcNow().UtcDateTime + options.Value.LeaseDuration;
        return await db.OutgoingMessages.Where(o => o.State == SendState.Sending && o.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.LeaseUntil, until), ct);
    }
}
