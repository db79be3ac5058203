using Madoguchi.Core.Common;
using Madoguchi.Core.Inboxes;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Inboxes;

public sealed record CreateInboxRequest(string? Name, string? Colour);
public sealed record SetRoleRequest(InboxRole? Role);

public static class InboxEndpoints
{
    public static void MapInboxEndpoints(this RouteGroupBuilder api)
    {
        var inboxes = api.MapGroup("/inboxes").WithTags("Inboxes");
        inboxes.MapGet("", async (int? offset, int? limit, ListInboxesQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryPage(offset, limit, out var page, out var problem) ? (await query.HandleAsync(context.GetActor(), page, ct)).ToHttp() : problem!)
            .Produces<Page<InboxView>>().WithSummary("Inboxes you can see, with your role on each.");
        inboxes.MapPost("", async (CreateInboxRequest request, CreateInboxCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), request.Name ?? "", request.Colour, ct);
            return result.Succeeded ? TypedResults.Created($"/api/v1/inboxes/{result.Value!.Id}", result.Value) : ApiResults.Problem(result.Error!);
        }).Produces<InboxView>(StatusCodes.Status201Created).WithSummary("Create an inbox (owners only).");
        inboxes.MapDelete("/{id:guid}", async (Guid id, DeleteInboxCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp()).WithSummary("Delete an inbox (owners only).");
        inboxes.MapPut("/{id:guid}/roles/{userId:guid}", async (Guid id, Guid userId, SetRoleRequest request, SetInboxRoleCommand command, HttpContext context, CancellationToken ct) =>
            request.Role is { } role
                ? (await command.HandleAsync(context.GetActor(), id, userId, role, ct)).ToHttp()
                : ApiResults.Invalid("role_required", "Give a role: administrator, manager, operator, assistant or none."))
            .WithSummary("Set a user's role on the inbox (owners or the inbox's administrators).");
        api.MapGet("/permissions", async (GetPermissionMatrixQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp()).WithTags("Inboxes")
            .WithSummary("権限設定: users × inboxes with each role, and who the owners are.");
    }
}
