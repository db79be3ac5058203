using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Operators.TwoFactor;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Operators;

public sealed class OperatorTwoFactorTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static readonly byte[] Key = Base32.Decode(MadoguchiApp.OperatorTotpSecret);

    private static Task<HttpResponseMessage> SignInAsync(MadoguchiApp app, string? code, string password = MadoguchiApp.OperatorPassword) =>
        app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password, code });

    private static string CurrentCode() => Totp.Code(Key, Totp.StepAt(DateTimeOffset.UtcNow));

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorSignIn_PasswordAlone_Answers401TotpRequired_PasswordAndCodeSignIn(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        await app.OperatorCodeAsync();

        await (await SignInAsync(app, null)).AssertProblemAsync(HttpStatusCode.Unauthorized, "totp_required");
        await (await SignInAsync(app, CurrentCode(), password: "wrong-password")).AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        var client = app.NewClient();
        await (await client.PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password = MadoguchiApp.OperatorPassword, code = CurrentCode() }))
            .AssertStatusAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorSignIn_SameCodeAgain_IsRefusedAsAlreadyUsed(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var code = await app.OperatorCodeAsync();

        await (await SignInAsync(app, code)).AssertStatusAsync(HttpStatusCode.OK);
        var replay = await SignInAsync(app, code);

        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized, "totp_invalid");
        await app.WithDbAsync(db => db.Operators.Where(o => o.Email == MadoguchiApp.OperatorEmail)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.FailedSignInCount, 0)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorSignIn_FiveWrongCodes_EvenWithARightPasswordBetween_LockTheOperatorAndAreAudited(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var wrong = ((int.Parse(CurrentCode(), System.Globalization.CultureInfo.InvariantCulture) + 500_000) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        for (var i = 0; i < 4; i++)
            await (await SignInAsync(app, wrong)).AssertProblemAsync(HttpStatusCode.Unauthorized, "totp_invalid");
        // A right password between wrong codes does not start the count again.
        await (await SignInAsync(app, null)).AssertProblemAsync(HttpStatusCode.Unauthorized, "totp_required");
        await (await SignInAsync(app, wrong)).AssertProblemAsync(HttpStatusCode.Locked, "operator_locked");
        await (await SignInAsync(app, await app.OperatorCodeAsync())).AssertProblemAsync(HttpStatusCode.Locked, "operator_locked");

        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == null).Select(e => e.Action).ToListAsync());
        Assert.Equal(5, audit.Count(a => a == AuditAction.OperatorTwoFactorFailed));
        Assert.Equal(1, audit.Count(a => a == AuditAction.OperatorLocked));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Enrolment_ConfirmedWithFirstCode_GivesTenRecoveryCodesEachUsableOnce_AndResetEndsSessions(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var before = await app.SignInOperatorAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;

        // The server console's escape hatch: no authenticator any more, sessions end, the next sign-in must enrol.
        Assert.True((await services.GetRequiredService<ResetOperatorTwoFactorCommand>().HandleAsync(Actor.ServerConsole(), MadoguchiApp.OperatorEmail, default)).Succeeded);
        await (await before.GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await SignInAsync(app, null)).AssertProblemAsync(HttpStatusCode.Forbidden, "totp_enrolment_required");

        // What the enrolment page does: the password step made a pending secret; the first code from it confirms.
        var password = await services.GetRequiredService<OperatorSignInCommand>().HandleAsync(MadoguchiApp.OperatorEmail, MadoguchiApp.OperatorPassword, null, default);
        Assert.Equal(OperatorNextStep.Enrol, password.NextStep);
        var enrolment = await services.GetRequiredService<GetOperatorTotpEnrolmentQuery>().HandleAsync(password.Operator!.Id, password.Operator.SecurityStamp, default);
        Assert.NotNull(enrolment);
        Assert.StartsWith("otpauth://totp/Madoguchi:", enrolment.Uri, StringComparison.Ordinal);
        var key = Base32.Decode(enrolment.Secret);
        var confirmed = await services.GetRequiredService<ConfirmOperatorTotpEnrolmentCommand>()
            .HandleAsync(password.Operator.Id, password.Operator.SecurityStamp, Totp.Code(key, Totp.StepAt(DateTimeOffset.UtcNow)), null, default);
        Assert.Equal(Madoguchi.Core.Accounts.Lockout.SignInOutcome.Succeeded, confirmed.Outcome);
        Assert.Equal(10, confirmed.RecoveryCodes.Count);
        // Stored hashed only, the secret encrypted.
        var stored = await app.WithDbAsync(db => db.OperatorRecoveryCodes.Select(c => c.CodeHash).ToListAsync());
        Assert.Equal(confirmed.RecoveryCodes.Select(RecoveryCodes.Hash).Order(), stored.Order());
        var secret = await app.WithDbAsync(db => db.Operators.Select(o => o.ProtectedTotpSecret).SingleAsync());
        Assert.DoesNotContain(enrolment.Secret, secret!, StringComparison.Ordinal);

        var recovery = confirmed.RecoveryCodes[3];
        await (await SignInAsync(app, recovery.ToUpperInvariant())).AssertStatusAsync(HttpStatusCode.OK);
        await (await SignInAsync(app, recovery)).AssertProblemAsync(HttpStatusCode.Unauthorized, "totp_invalid");
        await (await SignInAsync(app, confirmed.RecoveryCodes[4])).AssertStatusAsync(HttpStatusCode.OK);
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == null).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditAction.OperatorTwoFactorReset, audit);
        Assert.Contains(AuditAction.OperatorTwoFactorEnrolled, audit);
        Assert.Contains(AuditAction.OperatorRecoveryCodeUsed, audit);

        // Back to the secret the other tests compute codes from.
        await app.EnrolOperatorTotpAsync(MadoguchiApp.OperatorEmail);
        await app.WithDbAsync(db => db.Operators.ExecuteUpdateAsync(u => u.SetProperty(o => o.FailedSignInCount, 0)));
    }
}
