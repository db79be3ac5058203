using System.CommandLine;
using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Operators;

namespace Madoguchi.Web.Cli.Verbs;

internal sealed class UsersListVerb : AdminVerb
{
    private readonly Option<bool> _locked = new("--locked") { Description = "Only users locked by wrong passwords (ロック中)." };

    public UsersListVerb()
        : base("users list", "Lists the users of every account: email, name, account, state, owner.") => Add(_locked);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var rows = await run.Get<ListInstallationUsersQuery>().HandleAsync(run.Parse.GetValue(_locked), ct);
        run.Output.WriteLine("EMAIL\tNAME\tACCOUNT\tSTATE\tOWNER");
        foreach (var row in rows)
            run.Output.WriteLine($"{row.Email}\t{row.DisplayName}\t{row.Account}\t{row.State.ToString().ToLowerInvariant()}\t{(row.IsOwner ? "owner" : "")}");
        run.Output.WriteLine($"{rows.Count} user(s)");
        return 0;
    }
}

internal sealed class UsersUnlockVerb : AdminVerb
{
    private readonly Argument<string> _email = new("email") { Description = "The locked user's email address." };

    public UsersUnlockVerb()
        : base("users unlock", "Unlocks a user locked by wrong passwords; recorded in the account's audit log as the server console.") => Add(_email);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var email = run.Parse.GetRequiredValue(_email);
        var user = await run.Get<FindUserByEmailQuery>().HandleAsync(email, ct);
        if (!user.Succeeded)
            return Fail(run, user.Error!);
        var result = await run.Get<UnlockUserCommand>().HandleAsync(AdminRun.Actor, user.Value, ct);
        if (!result.Succeeded)
            return Fail(run, result.Error!);
        run.Output.WriteLine($"Unlocked {email}. They can sign in again.");
        return 0;
    }
}
