using System.CommandLine;
using System.Globalization;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Operators.TwoFactor;

namespace Madoguchi.Web.Cli.Verbs;

internal sealed class OperatorsTokenVerb : AdminVerb
{
    private readonly Option<string> _email = new("--email") { Description = "The operator's email address.", Required = true };
    private readonly Option<string> _name = new("--name") { Description = "A name to tell the token apart, e.g. billing-sync. Default: server console." };
    private readonly Option<string> _expires = new("--expires")
    {
        Description = "When the token stops working: a date or time (2027-03-31, 2027-03-31T09:00:00+09:00; UTC without an offset) or days from now (90d). Default: never.",
    };

    public OperatorsTokenVerb()
        : base("operators token", "Prints a new Bearer token for the operator API (/api/v1/operator/…), on standard output only; it is never shown again.")
    {
        Add(_email);
        Add(_name);
        Add(_expires);
    }

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var expires = ParseExpiry(run.Parse.GetValue(_expires), run.Get<TimeProvider>().GetUtcNow());
        var result = await run.Get<CreateOperatorTokenCommand>().HandleAsync(AdminRun.Actor, run.Parse.GetRequiredValue(_email), run.Parse.GetValue(_name), expires, ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine(result.Value!.Secret);
        return 0;
    }

    internal static DateTime? ParseExpiry(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (value.EndsWith('d') && int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days > 0)
            return now.UtcDateTime.AddDays(days);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at.UtcDateTime;
        throw new AdminUsageException($"--expires: \"{value}\" is neither a date or time (2027-03-31) nor a number of days (90d).");
    }
}

internal sealed class OperatorsTokensVerb : AdminVerb
{
    public OperatorsTokensVerb()
        : base("operators tokens", "Lists every operator API token: id, operator, name, start of the secret, created, expires, last used. Secrets are never shown again.")
    {
    }

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var result = await run.Get<ListOperatorTokensQuery>().HandleAsync(AdminRun.Actor, ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine("ID\tOPERATOR\tNAME\tHINT\tCREATED\tEXPIRES\tLAST USED");
        foreach (var t in result.Value!)
            run.Output.WriteLine($"{t.Id}\t{t.OperatorEmail}\t{t.Name}\t{t.Hint}…\t{Format(t.CreatedAt)}\t{Format(t.ExpiresAt) ?? "never"}\t{Format(t.LastUsedAt) ?? "-"}");
        run.Output.WriteLine($"{result.Value!.Count} token(s)");
        return 0;
    }

    private static string? Format(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

internal sealed class OperatorsTokensRevokeVerb : AdminVerb
{
    private readonly Argument<Guid> _id = new("id") { Description = "The token's id, as operators tokens lists it." };

    public OperatorsTokensRevokeVerb()
        : base("operators tokens revoke", "Revokes an operator API token at once; recorded in the installation's audit trail.") => Add(_id);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var result = await run.Get<RevokeOperatorTokenCommand>().HandleAsync(AdminRun.Actor, run.Parse.GetRequiredValue(_id), ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine($"Revoked token \"{result.Value!.Name}\" of {result.Value.OperatorEmail}.");
        return 0;
    }
}

internal sealed class OperatorsResetTwoFactorVerb : AdminVerb
{
    private readonly Argument<string> _email = new("email") { Description = "The operator's email address." };

    public OperatorsResetTwoFactorVerb()
        : base("operators reset-2fa", "For an operator who lost their authenticator and recovery codes: removes both, ends their sessions; "
            + "their next sign-in enrols a new authenticator. Recorded in the installation's audit trail. A locked operator also needs operators unlock.") => Add(_email);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var result = await run.Get<ResetOperatorTwoFactorCommand>().HandleAsync(AdminRun.Actor, run.Parse.GetRequiredValue(_email), ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine($"Two-factor authentication of {result.Value} reset: the next sign-in enrols a new authenticator app.");
        return 0;
    }
}

internal sealed class OperatorsUnlockVerb : AdminVerb
{
    private readonly Argument<string> _email = new("email") { Description = "The locked operator's email address." };

    public OperatorsUnlockVerb()
        : base("operators unlock", "Unlocks an operator locked by wrong passwords; recorded in the installation's audit trail.") => Add(_email);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var result = await run.Get<UnlockOperatorCommand>().HandleAsync(AdminRun.Actor, run.Parse.GetRequiredValue(_email), ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine($"Unlocked operator {result.Value}.");
        return 0;
    }
}
