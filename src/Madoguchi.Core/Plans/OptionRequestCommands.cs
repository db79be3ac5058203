using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Plans;

/// <summary>オプション追加申込み: extra users, storage (GB) and inboxes, and/or a free-text "other" request.</summary>
public sealed record OptionRequestInput(int Users = 0, int StorageGb = 0, int Inboxes = 0, string? Other = null);

/// <summary>What a request would cost: the monthly addition at today's prices and the first, pro-rated month if the
/// operator approves it today (the charge starts on the day of approval).</summary>
public sealed class QuoteOptionRequestQuery(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<OptionCost>> HandleAsync(Actor actor, OptionRequestInput input, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var invalid = Check(input);
        if (invalid is not null)
            return invalid;
        return await CostAsync(db, time, actor.AccountId!.Value, input, ct);
    }

    internal static Error? Check(OptionRequestInput input)
    {
        var invalid = PlanRules.CheckQuantity(input.Users, "users") ?? PlanRules.CheckQuantity(input.StorageGb, "storageGb") ?? PlanRules.CheckQuantity(input.Inboxes, "inboxes");
        if (invalid is not null)
            return invalid;
        if (input.Other is { Length: > OptionRequest.MaxTextLength })
            return new Error(ErrorKind.Invalid, "invalid_other", $"Write the other request in at most {OptionRequest.MaxTextLength} characters.");
        if (input.Users + input.StorageGb + input.Inboxes == 0 && string.IsNullOrWhiteSpace(input.Other))
            return new Error(ErrorKind.Invalid, "nothing_requested", "Ask for at least one user, GB of storage or inbox, or describe another option.");
        return null;
    }

    internal static async Task<OptionCost> CostAsync(MadoguchiDbContext db, TimeProvider time, Guid accountId, OptionRequestInput input, CancellationToken ct)
    {
        var prices = (await ListOptionPricesQuery.ReadAsync(db, ct)).ToDictionary(p => p.Kind, p => p.MonthlyPriceYen);
        var monthly = input.Users * prices.GetValueOrDefault(OptionKind.Users) + input.StorageGb * prices.GetValueOrDefault(OptionKind.StorageGb)
            + input.Inboxes * prices.GetValueOrDefault(OptionKind.Inboxes);
        var zone = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.TimeZone).SingleAsync(ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, TimeZones.Find(zone)));
        return OptionCost.For(monthly, today);
    }
}

/// <summary>An owner sends an option request; it stays pending until an operator decides. Recorded in the audit log.</summary>
public sealed class RequestOptionsCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<OptionRequestView>> HandleAsync(Actor actor, OptionRequestInput input, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var invalid = QuoteOptionRequestQuery.Check(input);
        if (invalid is not null)
            return invalid;
        var accountId = actor.AccountId!.Value;
        var cost = await QuoteOptionRequestQuery.CostAsync(db, time, accountId, input, ct);
        var user = owner.Value!;
        var request = new OptionRequest
        {
            AccountId = accountId,
            RequestedByUserId = user.Id,
            RequestedByName = $"{user.DisplayName} <{user.Email}>",
            RequestedAt = time.GetUtcNow().UtcDateTime,
            ExtraUsers = input.Users,
            ExtraStorageGb = input.StorageGb,
            ExtraInboxes = input.Inboxes,
            OtherText = string.IsNullOrWhiteSpace(input.Other) ? null : input.Other.Trim(),
            MonthlyYen = cost.MonthlyYen,
            State = OptionRequestState.Pending,
        };
        db.OptionRequests.Add(request);
        audit.Record(AuditAction.OptionRequested, accountId, actor, detail: Describe(request));
        await db.SaveChangesAsync(ct);
        return OptionRequestView.From(request, null);
    }

    internal static string Describe(OptionRequest r)
    {
        var parts = new List<string>();
        if (r.ExtraUsers > 0)
            parts.Add($"+{r.ExtraUsers} users");
        if (r.ExtraStorageGb > 0)
            parts.Add($"+{r.ExtraStorageGb} GB");
        if (r.ExtraInboxes > 0)
            parts.Add($"+{r.ExtraInboxes} inboxes");
        if (r.OtherText is not null)
            parts.Add($"other: {(r.OtherText.Length > 200 ? r.OtherText[..200] + "…" : r.OtherText)}");
        return $"{string.Join(", ", parts)} ({r.MonthlyYen} yen/month)";
    }
}

/// <summary>An operator approves (the account's limits rise at once) or rejects a pending request, with a note the owners read.</summary>
public sealed class DecideOptionRequestCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<OptionRequestView>> HandleAsync(Actor actor, Guid requestId, bool approve, string? note, CancellationToken ct)
    {
        if (actor.IsUser)
            return PlanRules.OperatorsOnly();
        if (note is { Length: > OptionRequest.MaxNoteLength })
            return new Error(ErrorKind.Invalid, "invalid_note", $"Write the note in at most {OptionRequest.MaxNoteLength} characters.");
        var request = await db.OptionRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
            return Error.NotFound("The option request");
        if (request.State != OptionRequestState.Pending)
            return new Error(ErrorKind.Conflict, "already_decided", "This option request was already decided.");
        request.State = approve ? OptionRequestState.Approved : OptionRequestState.Rejected;
        request.DecidedAt = time.GetUtcNow().UtcDateTime;
        request.DecidedBy = actor.Name;
        request.Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        audit.Record(approve ? AuditAction.OptionRequestApproved : AuditAction.OptionRequestRejected, request.AccountId, actor,
            detail: RequestOptionsCommand.Describe(request) + (request.Note is null ? "" : $" — {request.Note}"));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Error(ErrorKind.Conflict, "already_decided", "This option request was already decided.");
        }
        var name = await db.Accounts.Where(a => a.Id == request.AccountId).Select(a => a.Name).SingleAsync(ct);
        return OptionRequestView.From(request, name);
    }
}
