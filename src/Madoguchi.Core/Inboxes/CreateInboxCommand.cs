using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Plans;

namespace Madoguchi.Core.Inboxes;

/// <summary>受信箱の追加 (owners only). The creating owner becomes the inbox's 管理者.</summary>
public sealed class CreateInboxCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time, LimitChecks limits)
{
    public static readonly string DefaultColour = "#1e88e5";

    public async Task<Result<InboxView>> HandleAsync(Actor actor, string name, string? colour, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
            return new Error(ErrorKind.Invalid, "invalid_inbox_name", "Give the inbox a name of 1 to 100 characters.");
        colour = string.IsNullOrWhiteSpace(colour) ? DefaultColour : colour.Trim();
        if (!Inbox.IsValidColour(colour))
            return new Error(ErrorKind.Invalid, "invalid_colour", "The colour must look like #1e88e5.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await limits.CheckNewInboxAsync(actor.AccountId!.Value, ct) is { } overLimit)
            return overLimit;

        var inbox = new Inbox { AccountId = actor.AccountId!.Value, Name = name.Trim(), Colour = colour, CreatedAt = time.GetUtcNow().UtcDateTime };
        db.Inboxes.Add(inbox);
        db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox.Id, UserId = actor.Id, Role = InboxRole.Administrator });
        audit.Record(AuditAction.InboxCreated, inbox.AccountId, actor, detail: inbox.Name);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new InboxView(inbox.Id, inbox.Name, inbox.Colour, InboxRole.Administrator, inbox.CreatedAt);
    }
}
