using Madoguchi.Core.Accounts;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Accounts;

/// <summary>PATCH /account: <c>timeZone</c> is an IANA id such as "Asia/Tokyo" (owners only).</summary>
public sealed record UpdateAccountRequest(string? TimeZone);

public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this RouteGroupBuilder api)
    {
        var account = api.MapGroup("/account").WithTags("Account");
        account.MapGet("", async (GetMyAccountQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp()).WithSummary("Your account: its name and time zone (システム設定).");
        account.MapPatch("", async (UpdateAccountRequest request, SetAccountTimeZoneCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), request.TimeZone, ct)).ToHttp())
            .WithSummary("Set the account's time zone, which every screen and \"fetched today\" use unless a user chose their own (owners only).");
    }
}
