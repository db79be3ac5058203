using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Accounts.Users;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.Tests.Accounts;

public sealed class LockoutPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 28, 18, 0, 0, TimeSpan.Zero);

    private static User ActiveUser() => new()
    {
        FamilyName = "山田",
        GivenName = "花子",
        Email = "hanako@example.com",
        PasswordHash = "hash",
        State = UserState.Active,
    };

    [Fact]
    public void RegisterFailure_FourTimes_CountsWithoutLocking()
    {
        var user = ActiveUser();
        var policy = new LockoutPolicy(5, new FakeTimeProvider(Start));

        var locked = Enumerable.Range(0, 4).Select(_ => policy.RegisterFailure(user)).ToList();

        Assert.All(locked, Assert.False);
        Assert.Equal(4, user.FailedSignInCount);
        Assert.Equal(UserState.Active, user.State);
        Assert.Null(user.LockedAt);
    }

    [Fact]
    public void RegisterFailure_Fifth_LocksAtTheClocksTimeAndEndsSessions()
    {
        var user = ActiveUser();
        var stamp = user.SecurityStamp;
        var clock = new FakeTimeProvider(Start);
        var policy = new LockoutPolicy(5, clock);
        for (var i = 0; i < 4; i++)
        {
            policy.RegisterFailure(user);
            clock.Advance(TimeSpan.FromMinutes(3));
        }

        var locked = policy.RegisterFailure(user);

        Assert.True(locked);
        Assert.Equal(UserState.Locked, user.State);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, user.LockedAt);
        Assert.Equal(DateTimeKind.Utc, user.LockedAt!.Value.Kind);
        Assert.NotEqual(stamp, user.SecurityStamp);
    }

    [Fact]
    public void RegisterFailure_WhileLocked_ReportsNoNewLockAndKeepsTheLockTime()
    {
        var user = ActiveUser();
        var clock = new FakeTimeProvider(Start);
        var policy = new LockoutPolicy(5, clock);
        for (var i = 0; i < 5; i++)
            policy.RegisterFailure(user);
        var lockedAt = user.LockedAt;
        clock.Advance(TimeSpan.FromHours(1));

        Assert.False(policy.RegisterFailure(user));
        Assert.Equal(lockedAt, user.LockedAt);
        Assert.Equal(5, user.FailedSignInCount);
    }

    [Fact]
    public void RegisterSuccess_ResetsTheCountAndRecordsTheSignInTime()
    {
        var user = ActiveUser();
        var clock = new FakeTimeProvider(Start);
        var policy = new LockoutPolicy(5, clock);
        for (var i = 0; i < 4; i++)
            policy.RegisterFailure(user);

        clock.Advance(TimeSpan.FromSeconds(10));
        policy.RegisterSuccess(user);
        for (var i = 0; i < 4; i++)
            Assert.False(policy.RegisterFailure(user));

        Assert.Equal(UserState.Active, user.State);
        Assert.Equal(4, user.FailedSignInCount);
        Assert.Equal(Start.AddSeconds(10).UtcDateTime, user.LastSignInAt);
    }

    [Fact]
    public void Lock_HasNoTimeLimit_StaysLockedHoweverMuchTimePasses()
    {
        var user = ActiveUser();
        var clock = new FakeTimeProvider(Start);
        var policy = new LockoutPolicy(5, clock);
        for (var i = 0; i < 5; i++)
            policy.RegisterFailure(user);

        foreach (var wait in new[] { TimeSpan.FromMinutes(30), TimeSpan.FromDays(1), TimeSpan.FromDays(3650) })
        {
            clock.Advance(wait);
            policy.RegisterFailure(user);
            Assert.Equal(UserState.Locked, user.State);
        }
        Assert.Equal(Start.UtcDateTime, user.LockedAt);
    }

    [Fact]
    public void Unlock_ActiveAgainWithACleanCount()
    {
        var user = ActiveUser();
        var policy = new LockoutPolicy(5, new FakeTimeProvider(Start));
        for (var i = 0; i < 5; i++)
            policy.RegisterFailure(user);

        LockoutPolicy.Unlock(user);

        Assert.Equal(UserState.Active, user.State);
        Assert.Equal(0, user.FailedSignInCount);
        Assert.Null(user.LockedAt);
        Assert.False(policy.RegisterFailure(user));
    }

    [Fact]
    public void Unlock_UserWithoutPassword_GoesBackToInvited()
    {
        var user = ActiveUser();
        user.PasswordHash = null;
        user.State = UserState.Locked;

        LockoutPolicy.Unlock(user);

        Assert.Equal(UserState.Invited, user.State);
    }

    [Fact]
    public void RegisterFailure_CustomLimit_LocksAtThatCount()
    {
        var user = ActiveUser();
        var policy = new LockoutPolicy(3, new FakeTimeProvider(Start));

        Assert.False(policy.RegisterFailure(user));
        Assert.False(policy.RegisterFailure(user));
        Assert.True(policy.RegisterFailure(user));
    }
}
