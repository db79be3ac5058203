using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending;

/// <summary>Keeps this instance's lease on a message it is sending: every third of <see cref="SendingOptions.LeaseDuration"/>
/// one atomic UPDATE (… WHERE sending AND owner = me) pushes the lease's end out again, in a scope of its own (the send runs
/// beside it on its own context). When the row is no longer this instance's, it cancels the send.</summary>
public sealed class OutboxLease(IServiceScopeFactory scopes, IOptions<SendingOptions> options, TimeProvider time)
{
    /// <summary>Renews until <paramref name="sending"/> is cancelled (the send ended); cancels it when the lease is lost.</summary>
    public async Task KeepAsync(Guid messageId, CancellationTokenSource sending)
    {
        var every = options.Value.LeaseDuration / 3;
        while (!sending.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, sending.Token);
                if (!await RenewAsync(messageId, sending.Token))
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

    /// <summary>False when another instance owns the message now (or it is no longer being sent).</summary>
    public async Task<bool> RenewAsync(Guid messageId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var until = time.GetUtcNow().UtcDateTime + options.Value.LeaseDuration;
        var owner = options.Value.InstanceId;
        return await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId && o.State == SendState.Sending && o.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.LeaseUntil, until), ct) == 1;
    }
}
