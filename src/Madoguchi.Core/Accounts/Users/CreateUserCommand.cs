using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Plans;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Users;

public sealed record CreateUserRequest(
    string FamilyName,
    string GivenName,
    string Email,
    string? Department = null,
    string? MentionName = null,
    bool IsOwner = false,
    string? Language = null);

/// <summary>The new user and the one-time secret of their invitation link (/invitations/{token}).</summary>
public sealed record CreatedUser(UserView User, string InvitationToken, DateTime InvitationExpiresAt);

/// <summary>ユーザ追加 (owners only): the user starts as 登録待ち and sets a password through the invitation link.</summary>
public sealed class CreateUserCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time, LimitChecks limits)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    public async Task<Result<CreatedUser>> HandleAsync(Actor actor, CreateUserRequest request, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var invalid = UserRules.CheckNames(request.FamilyName, request.GivenName)
            ?? UserRules.CheckEmail(request.Email)
            ?? UserRules.CheckMentionName(NullIfBlank(request.MentionName))
            ?? UserRules.CheckLanguage(request.Language);
        if (invalid is not null)
            return invalid;

        var accountId = actor.AccountId!.Value;
        var email = request.Email.Trim();
        var normalized = Emails.Normalize(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
            return new Error(ErrorKind.Conflict, "email_taken", "A user with this email address already exists.");
        var mention = NullIfBlank(request.MentionName);
        if (mention is not null && await db.Users.AnyAsync(u => u.AccountId == accountId && u.MentionName == mention, ct))
            return new Error(ErrorKind.Conflict, "mention_name_taken", "Another user of this account already has this mention name.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await limits.CheckNewUserAsync(accountId, ct) is { } overLimit)
            return overLimit;

        var token = Secrets.NewToken("inv_");
        var now = time.GetUtcNow().UtcDateTime;
        var user = new User
        {
            AccountId = accountId,
            FamilyName = request.FamilyName.Trim(),
            GivenName = request.GivenName.Trim(),
            Email = email,
            Department = NullIfBlank(request.Department),
            MentionName = mention,
            IsOwner = request.IsOwner,
            State = UserState.Invited,
            Language = request.Language,
            CreatedAt = now,
            InvitationTokenHash = Secrets.Hash(token),
            InvitationExpiresAt = now + InvitationLifetime,
        };
        db.Users.Add(user);
        audit.Record(AuditAction.UserCreated, accountId, actor, user, request.IsOwner ? "as account owner" : null);
        if (request.IsOwner)
            audit.Record(AuditAction.OwnerGranted, accountId, actor, user);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new CreatedUser(UserView.From(user), token, user.InvitationExpiresAt.Value);
    }

    internal static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
