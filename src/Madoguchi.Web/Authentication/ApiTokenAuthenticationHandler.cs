using System.Text.Encodings.Web;
using Madoguchi.Core.Accounts.Tokens;
using Madoguchi.Core.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Madoguchi.Web.Authentication;

/// <summary>Authorization: Bearer with a personal API token (mdg_u_…) or an operator token (mdg_o_…).</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthenticateApiTokenQuery userTokens,
    AuthenticateOperatorTokenQuery operatorTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (secret.StartsWith(OperatorToken.Prefix, StringComparison.Ordinal))
        {
            var op = await operatorTokens.HandleAsync(secret, Context.RequestAborted);
            return op is null || op.LockedAt is not null
                ? AuthenticateResult.Fail("The operator token is not valid.")
                : AuthenticateResult.Success(new AuthenticationTicket(MadoguchiClaims.ForOperator(op, SchemeName), SchemeName));
        }
        var user = await userTokens.HandleAsync(secret, Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("The API token is not valid, was revoked, or its user is locked.")
            : AuthenticateResult.Success(new AuthenticationTicket(MadoguchiClaims.ForUser(user, SchemeName), SchemeName));
    }
}
