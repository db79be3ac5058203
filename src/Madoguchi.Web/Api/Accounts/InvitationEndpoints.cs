using Madoguchi.Core.Accounts.Invitations;

namespace Madoguchi.Web.Api.Accounts;

public sealed record AcceptInvitationRequest(string? Password);

public static class InvitationEndpoints
{
    public static void MapInvitationEndpoints(this RouteGroupBuilder api)
    {
        var invitations = api.MapGroup("/invitations").WithTags("Invitations");
        invitations.MapGet("/{token}", async (string token, GetInvitationQuery query, CancellationToken ct) =>
            (await query.HandleAsync(token, ct)).ToHttp()).WithSummary("Who an invitation link is for.");
        invitations.MapPost("/{token}/accept", async (string token, AcceptInvitationRequest request, AcceptInvitationCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(token, request.Password ?? "", context.Connection.RemoteIpAddress?.ToString(), ct)).ToHttp())
            .WithSummary("Set the password of an invited user (登録待ち), who becomes active.");
    }
}
