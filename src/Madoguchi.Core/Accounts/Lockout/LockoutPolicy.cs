using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Operators;

namespace Madoguchi.Core.Accounts.Lockout;

/// <summary>The lockout rules on one user, without I/O: a wrong password counts, the fifth locks with no
/// time limit, a right password resets the count, and only an unlock ends a lock.</summary>
public sealed class LockoutPolicy(int maxFailedAttempts, TimeProvider time)
{
    /// <summary>Returns true when this failure locked the user.</summary>
    public bool RegisterFailure(User user)
    {
        if (user.State == UserState.Locked)
            return false;
        user.FailedSignInCount++;
        if (user.FailedSignInCount < maxFailedAttempts)
            return false;
        user.State = UserState.Locked;
        user.LockedAt = time.GetUtcNow().UtcDateTime;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        return true;
    }

    /// <summary>The same rule for an operator (restored from the server console); true when this failure locked them.</summary>
    public bool RegisterFailure(Operator op)
    {
        if (op.LockedAt is not null)
            return false;
        op.FailedSignInCount++;
        if (op.FailedSignInCount < maxFailedAttempts)
            return false;
        op.LockedAt = time.GetUtcNow().UtcDateTime;
        op.SecurityStamp = Guid.NewGuid().ToString("N");
        return true;
    }

    public void RegisterSuccess(User user)
    {
        user.FailedSignInCount = 0;
        user.LastSignInAt = time.GetUtcNow().UtcDateTime;
    }

    public static void Unlock(User user)
    {
        user.State = user.PasswordHash is null ? UserState.Invited : UserState.Active;
        user.FailedSignInCount = 0;
        user.LockedAt = null;
    }
}
