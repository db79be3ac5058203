using Madoguchi.Core.Retention;
using Madoguchi.Core.Storage;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Storage;

public sealed record InboxRetentionRequest(int? AutoDeleteClosedAfterDays);

/// <summary>Storage use and deleting mail for good: the account's use against its limit (every user), an operator's
/// view of one account's use and disk, ticket delete, ゴミ箱を空にする and an inbox's auto-delete (管理者 of the inbox).</summary>
public static class StorageEndpoints
{
    public static void MapStorageEndpoints(this RouteGroupBuilder users)
    {
        users.MapGet("/account/storage", async (GetStorageStatusQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .WithTags("Account")
            .WithSummary("The account's storage use against its limit, the warning threshold and level (ok, low, over). Mail is received and sent whatever the level.");

        users.MapDelete("/tickets/{id:guid}", async (Guid id, DeleteTicketCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithTags("Tickets")
            .WithSummary("Delete a ticket for good with its messages, originals and attachments nothing else uses (管理者 of its inbox); the account's storage use drops at once.");

        var inboxes = users.MapGroup("/inboxes").WithTags("Inboxes");
        inboxes.MapPost("/{id:guid}/empty-trash", async (Guid id, EmptyTrashCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("ゴミ箱を空にする: delete every ticket in the inbox's trash for good (管理者 of the inbox).");
        inboxes.MapGet("/{id:guid}/retention", async (Guid id, GetInboxRetentionQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("The inbox's auto-delete of closed tickets (null: kept).");
        inboxes.MapPut("/{id:guid}/retention", async (Guid id, InboxRetentionRequest request, SetInboxRetentionCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, request.AutoDeleteClosedAfterDays, ct)).ToHttp())
            .WithSummary("Set (at least 90 days) or clear (null) the inbox's auto-delete of 対応完了/対応不要 tickets (管理者 of the inbox).");
    }

    public static void MapOperatorStorageEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/operator").WithTags("Operator").RequireAuthorization(AuthenticationSetup.OperatorPolicy)
            .MapGet("/accounts/{id:guid}/storage", async (Guid id, GetAccountDiskUseQuery query, HttpContext context, CancellationToken ct) =>
                (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("One account's storage use (originals, each once) against its limit, and its real disk use: original and attachment blobs, search index.");
    }
}
