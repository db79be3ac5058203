using System.Security.Cryptography;
using System.Text;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Accounts.Lockout;

/// <summary>Wrong passwords for an address that has no password to check (nobody has it, or its user is still invited).
/// Only a SHA-256 of the address is kept, never the address itself.</summary>
public sealed class SignInFailureCount
{
    public required string AddressHash { get; init; }
    public int FailedCount { get; set; }
    public DateTime LastFailedAt { get; set; }
}

internal sealed class SignInFailureCountConfiguration : IEntityTypeConfiguration<SignInFailureCount>
{
    public void Configure(EntityTypeBuilder<SignInFailureCount> builder)
    {
        builder.HasKey(c => c.AddressHash);
        builder.Property(c => c.AddressHash).HasMaxLength(64);
        builder.HasIndex(c => c.LastFailedAt);
    }
}

/// <summary>Makes an address nobody can sign in with answer exactly like a real one: after the fifth wrong password it
/// is "locked" (423) for good, as a real user would be, so the lock answer does not tell an anonymous caller which
/// addresses exist. The counts live in the database (not in memory) so that several instances on one PostgreSQL count
/// together, as they do for real users. Each failure is one atomic UPDATE (parallel attempts all count); the table is
/// bounded: beyond <see cref="SignInLockoutOptions.MaxUnknownAddresses"/> rows the longest-quiet rows are dropped.</summary>
public sealed class UnknownAddressLockout(IServiceScopeFactory scopes, IOptions<SignInLockoutOptions> options, TimeProvider time)
{
    /// <param name="kind">"user" or "operator": the two sign-ins count apart.</param>
    public static string Key(string kind, string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + Emails.Normalize(email ?? ""))));

    /// <summary>The answer for an address with nothing to check (unknown, or invited without a password), shared by the
    /// user and operator sign-ins: "locked" once the address has five failures, otherwise the same work as a real check
    /// and one more failure counted. True when the answer is "locked".</summary>
    public async Task<bool> RefuseAsync(string kind, string? email, string? password, DummyPasswordCheck dummy, CancellationToken ct)
    {
        var key = Key(kind, email ?? "");
        if (await IsLockedAsync(key, ct))
            return true;
        dummy.Run(password);
        return await RegisterFailureAsync(key, ct);
    }

    public async Task<bool> IsLockedAsync(string key, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var max = options.Value.MaxFailedAttempts;
        return await db.SignInFailureCounts.AnyAsync(c => c.AddressHash == key && c.FailedCount >= max, ct);
    }

    /// <summary>Counts one wrong password; true when the address now answers "locked".</summary>
    public async Task<bool> RegisterFailureAsync(string key, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var counted = await db.SignInFailureCounts.Where(c => c.AddressHash == key)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.FailedCount, c => c.FailedCount + 1).SetProperty(c => c.LastFailedAt, now), ct);
            if (counted == 0)
            {
                await MakeRoomAsync(db, ct);
                db.SignInFailureCounts.Add(new SignInFailureCount { AddressHash = key, FailedCount = 1, LastFailedAt = now });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException e) when (UniqueViolation.Is(e))
                {
                    // Another attempt on the same address inserted first: count on its row.
                    db.ChangeTracker.Clear();
                    continue;
                }
            }
            var count = await db.SignInFailureCounts.AsNoTracking().Where(c => c.AddressHash == key).Select(c => c.FailedCount).SingleAsync(ct);
            return count >= options.Value.MaxFailedAttempts;
        }
        return false;
    }

    private async Task MakeRoomAsync(MadoguchiDbContext db, CancellationToken ct)
    {
        var max = options.Value.MaxUnknownAddresses;
        if (await db.SignInFailureCounts.CountAsync(ct) < max)
            return;
        // Drop the oldest tenth at once, so a flood of new addresses does not pay for a delete on every attempt.
        var keep = max - Math.Max(1, max / 10);
        var cutoff = await db.SignInFailureCounts.OrderByDescending(c => c.LastFailedAt).Skip(keep).Select(c => (DateTime?)c.LastFailedAt).FirstOrDefaultAsync(ct);
        if (cutoff is { } before)
            await db.SignInFailureCounts.Where(c => c.LastFailedAt <= before).ExecuteDeleteAsync(ct);
    }
}

/// <summary>Costs what a real password check costs, for answers that must not be faster when there is nothing to check.</summary>
public sealed class DummyPasswordCheck(Microsoft.AspNetCore.Identity.IPasswordHasher<Users.User> hasher)
{
    private static readonly Users.User Nobody = new() { FamilyName = "-", GivenName = "-", Email = "nobody@invalid.example" };
    private readonly Lazy<string> _hash = new(() => hasher.HashPassword(Nobody, Guid.NewGuid().ToString()));

    public void Run(string? password) => hasher.VerifyHashedPassword(Nobody, _hash.Value, password ?? "");
}
