using System.CommandLine;
using Madoguchi.Core.Setup;

namespace Madoguchi.Web.Cli.Verbs;

internal sealed class SetupVerb : AdminVerb
{
    private readonly Option<string> _operatorEmail = new("--operator-email") { Description = "The operator's email address (the people running this installation).", Required = true };
    private readonly Option<string> _operatorPassword = new("--operator-password") { Description = "The operator's password. Left out: read from standard input (first line)." };
    private readonly Option<string> _accountName = new("--account-name") { Description = "The first account's name, e.g. 株式会社サンプル.", Required = true };
    private readonly Option<string> _ownerEmail = new("--owner-email") { Description = "The account owner's email address (may be the operator's).", Required = true };
    private readonly Option<string> _ownerPassword = new("--owner-password") { Description = "The owner's password. Left out: read from standard input (the line after the operator's)." };
    private readonly Option<string> _ownerFamilyName = new("--owner-family-name") { Description = "The owner's family name (姓). Default: Owner." };
    private readonly Option<string> _ownerGivenName = new("--owner-given-name") { Description = "The owner's given name (名). Default: the part of the email before @." };

    public SetupVerb()
        : base("setup", "First run: creates the operator, the first account and its first owner. Refused once set up. "
            + "A password whose option is left out is read from standard input, one per line: operator first, then owner.")
    {
        Add(_operatorEmail);
        Add(_operatorPassword);
        Add(_accountName);
        Add(_ownerEmail);
        Add(_ownerPassword);
        Add(_ownerFamilyName);
        Add(_ownerGivenName);
    }

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var p = run.Parse;
        var operatorPassword = p.GetValue(_operatorPassword) ?? ReadLine(run.Input, "--operator-password");
        var ownerPassword = p.GetValue(_ownerPassword) ?? ReadLine(run.Input, "--owner-password");
        var request = new SetupRequest(p.GetRequiredValue(_operatorEmail), operatorPassword, p.GetRequiredValue(_accountName),
            p.GetRequiredValue(_ownerEmail), ownerPassword, p.GetValue(_ownerFamilyName), p.GetValue(_ownerGivenName));
        var result = await run.Get<SetupInstallationCommand>().HandleAsync(request, ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine($"Set up: operator {request.OperatorEmail}, account \"{request.AccountName}\" with owner {request.OwnerEmail}.");
        return 0;
    }

    private static string ReadLine(TextReader input, string option) =>
        input.ReadLine() ?? throw new AdminUsageException($"{option} was not given and standard input has no line for it.");
}
