using System.Linq.Expressions;

namespace Madoguchi.Core.Accounts.Users;

/// <summary>A user as shown to other users of the account and in the API. Never carries secrets.</summary>
public sealed record UserView(
    Guid Id,
    string FamilyName,
    string GivenName,
    string Email,
    string? Department,
    string? MentionName,
    UserState State,
    bool IsOwner,
    DateTime? LockedAt,
    DateTime? LastSignInAt,
    DateTime CreatedAt,
    string? Language,
    string? TimeZone)
{
    public string DisplayName => $"{FamilyName} {GivenName}";

    public static readonly Expression<Func<User, UserView>> Projection = u => new UserView(
        u.Id, u.FamilyName, u.GivenName, u.Email, u.Department, u.MentionName, u.State, u.IsOwner, u.LockedAt, u.LastSignInAt, u.CreatedAt, u.Language, u.TimeZone);

    private static readonly Func<User, UserView> Compiled = Projection.Compile();

    public static UserView From(User user) => Compiled(user);
}
