using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Accounts.Owners;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Web.Authentication;
using Madoguchi.Web.Hosting;

namespace Madoguchi.Web.Api.Accounts;

public sealed record CreatedUserResponse(UserView User, string InvitationUrl, DateTime InvitationExpiresAt);

public static class UserEndpoints
{
    public static void MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("", ListAsync).WithSummary("Users of your account; state=locked lists ロック中 (invited, active or locked).");
        users.MapPost("", async (CreateUserRequest request, CreateUserCommand command, PublicLinks links, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), request, ct);
            if (!result.Succeeded)
                return ApiResults.Problem(result.Error!);
            var created = result.Value!;
            var url = links.Invitation(created.InvitationToken);
            return TypedResults.Created($"/api/v1/users/{created.User.Id}", new CreatedUserResponse(created.User, url, created.InvitationExpiresAt));
        }).Produces<CreatedUserResponse>(StatusCodes.Status201Created).WithSummary("Add a user (owners only). The answer holds the invitation link the person opens to set a password.");
        users.MapGet("/{id:guid}", async (Guid id, GetUserQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp()).Produces<UserView>().WithSummary("One user of your account.");
        users.MapPatch("/{id:guid}", async (Guid id, UpdateUserRequest request, UpdateUserCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, request, ct)).ToHttp()).WithSummary("Edit a user (owners only).");
        users.MapDelete("/{id:guid}", async (Guid id, DeleteUserCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp()).WithSummary("Delete a user (owners only; never the last owner).");
        users.MapPost("/{id:guid}/unlock", async (Guid id, UnlockUserCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp()).WithSummary("元に戻す: unlock a locked user (another owner only).");
        users.MapPut("/{id:guid}/owner", async (Guid id, GrantOwnerCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp()).WithSummary("Make the user an account owner (owners only).");
        users.MapDelete("/{id:guid}/owner", async (Guid id, RevokeOwnerCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp()).WithSummary("Remove owner rights (owners only; the last owner stays).");
    }

    private static async Task<IResult> ListAsync(int? offset, int? limit, string? state, ListUsersQuery query, HttpContext context, CancellationToken ct)
    {
        if (!ApiResults.TryPage(offset, limit, out var page, out var problem) || !ApiResults.TryFilter<UserState>(state, "state", out var filter, out problem))
            return problem!;
        return (await query.HandleAsync(context.GetActor(), filter, page, ct)).ToHttp();
    }
}
