using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Lockout;

/// <summary>How the commands that count wrong passwords (sign-in for users and operators, change password) stay right
/// under parallel attempts: the failure count is a concurrency token, so a lost update is a
/// <see cref="DbUpdateConcurrencyException"/>; the loser forgets what it read and runs again. The password itself is
/// checked once (<see cref="PasswordCheckOnce{TUser}"/>), so retries are quick and every attempt is counted.</summary>
internal static class LostRaceRetry
{
    /// <summary>Enough for every attempt the sign-in rate limit lets through at once; a retry costs no password check.</summary>
    public const int MaxAttempts = 100;

    public static async Task<T> RunAsync<T>(DbContext db, Func<Task<T>> attempt)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (DbUpdateConcurrencyException) when (n < MaxAttempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}

/// <summary>One password check per command, however often a lost race makes it read the row again; checked again only
/// if the stored hash changed meanwhile.</summary>
internal sealed class PasswordCheckOnce<TUser>(IPasswordHasher<TUser> hasher) where TUser : class
{
    private (string Hash, PasswordVerificationResult Result)? _checked;

    public PasswordVerificationResult Verify(TUser user, string hash, string password)
    {
        if (_checked is { } known && known.Hash == hash)
            return known.Result;
        var result = hasher.VerifyHashedPassword(user, hash, password);
        _checked = (hash, result);
        return result;
    }
}
