using System.CommandLine;
using Madoguchi.Core.Operators;

namespace Madoguchi.Web.Cli.Verbs;

internal sealed class OperatorsTokenVerb : AdminVerb
{
    private readonly Option<string> _email = new("--email") { Description = "The operator's email address.", Required = true };

    public OperatorsTokenVerb()
        : base("operators token", "Prints a new Bearer token for the operator API (/api/v1/operator/…).") => Add(_email);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var result = await run.Get<CreateOperatorTokenCommand>().HandleAsync(run.Parse.GetRequiredValue(_email), ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine(result.Value);
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
