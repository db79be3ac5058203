using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>A named lease for a worker that must act once per interval across app instances (the probe round; retention
/// later). <see cref="ExpiresAt"/> is when the current holder's claim ends and the next claim may be taken.</summary>
public sealed class WorkerLease
{
    public const string ProbeRound = "probe-round";

    public required string Name { get; init; }
    public required string Owner { get; set; }
    public DateTime ExpiresAt { get; set; }
}

internal sealed class WorkerLeaseConfiguration : IEntityTypeConfiguration<WorkerLease>
{
    public void Configure(EntityTypeBuilder<WorkerLease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Owner).HasMaxLength(200);
    }
}

/// <summary>Claims one interval of a <see cref="WorkerLease"/>: one atomic UPDATE (… WHERE ExpiresAt ≤ now), so of several
/// instances on one PostgreSQL exactly one wins each interval; an instance that dies simply lets its claim expire, and the
/// next round is another instance's. The claim is not renewed: it is the interval itself.</summary>
public sealed class ProbeRoundLease(IServiceScopeFactory scopes)
{
    public async Task<bool> TryClaimAsync(string name, string owner, DateTime now, TimeSpan interval, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var until = now + interval;
        var taken = await db.WorkerLeases.Where(l => l.Name == name && l.ExpiresAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1)
            return true;
        if (await db.WorkerLeases.AnyAsync(l => l.Name == name, ct))
            return false;
        // The very first round: create the row; of two instances doing this at once, one insert fails.
        db.WorkerLeases.Add(new WorkerLease { Name = name, Owner = owner, ExpiresAt = until });
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
}
