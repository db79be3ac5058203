using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Testing.App;
using Madoguchi.Web.Cli;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Cli;

public sealed class OperatorVerbsTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private sealed record Run(int ExitCode, string Output, string Error);

    private static async Task<Run> RunAsync(MadoguchiApp app, params string[] args)
    {
        var command = AdminCommandLine.Parse(args);
        Assert.NotNull(command);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await command.RunAsync(app.Services, new StringReader(""), output, error);
        return new Run(exit, output.ToString(), error.ToString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorsTokens_NamedTokenIsListedWithoutSecret_RevokeStopsIt(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var name = $"sync-{Guid.NewGuid():N}";

        var made = await RunAsync(app, "operators", "token", "--email", MadoguchiApp.OperatorEmail, "--name", name, "--expires", "30d");
        var badExpiry = await RunAsync(app, "operators", "token", "--email", MadoguchiApp.OperatorEmail, "--expires", "someday");
        var secret = made.Output.Trim();
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        await (await client.GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.OK);
        var list = await RunAsync(app, "operators", "tokens");
        var row = list.Output.Split('\n').Single(l => l.Contains(name, StringComparison.Ordinal));
        var id = row.Split('\t')[0];
        var revoked = await RunAsync(app, "operators", "tokens", "revoke", id);
        var again = await RunAsync(app, "operators", "tokens", "revoke", id);

        Assert.Equal(0, made.ExitCode);
        Assert.Equal(2, badExpiry.ExitCode);
        Assert.Equal(0, list.ExitCode);
        Assert.DoesNotContain(secret, list.Output, StringComparison.Ordinal);
        Assert.Contains(MadoguchiApp.OperatorEmail, row, StringComparison.Ordinal);
        Assert.DoesNotContain("never", row, StringComparison.Ordinal);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(1, again.ExitCode);
        await (await client.GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorsResetTwoFactor_EndsSessions_NextSignInMustEnrol_Audited(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var session = await app.SignInOperatorAsync();

        var run = await RunAsync(app, "operators", "reset-2fa", MadoguchiApp.OperatorEmail);
        var unknown = await RunAsync(app, "operators", "reset-2fa", "nobody@example.com");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, unknown.ExitCode);
        await (await session.GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password = MadoguchiApp.OperatorPassword, code = await app.OperatorCodeAsync() }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "totp_enrolment_required");
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.AccountId == null && e.Action == AuditAction.OperatorTwoFactorReset && e.ActorName == "server console")));

        await app.EnrolOperatorTotpAsync(MadoguchiApp.OperatorEmail);
        await app.SignInOperatorAsync();
    }
}
