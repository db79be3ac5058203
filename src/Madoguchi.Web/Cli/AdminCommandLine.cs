using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Setup;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Web.Cli;

/// <summary>Admin subcommands on the same binary, using the same configuration and data folder as the server
/// started from the same working directory: setup, users list/unlock, operators token/unlock, messages reprocess.</summary>
public sealed class AdminCommandLine
{
    private static readonly string[] Verbs = ["setup", "users", "operators", "messages", "help", "--help"];

    private readonly string[] _args;

    private AdminCommandLine(string[] args, string[] hostArgs)
    {
        _args = args;
        HostArgs = hostArgs;
    }

    /// <summary>Configuration overrides passed through to the host, e.g. --Madoguchi:DataDirectory=/srv/madoguchi.</summary>
    public string[] HostArgs { get; }

    public static AdminCommandLine? Parse(string[] args)
    {
        if (args.Length == 0 || !Verbs.Contains(args[0]))
            return null;
        var hostArgs = args.Where(a => a.StartsWith("--Madoguchi:", StringComparison.OrdinalIgnoreCase)).ToArray();
        return new AdminCommandLine(args.Except(hostArgs).ToArray(), hostArgs);
    }

    public async Task<int> RunAsync(IServiceProvider services, TextReader input, TextWriter output, TextWriter error)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var verb = string.Join(' ', _args.Take(2));
        try
        {
            return verb switch
            {
                _ when _args[0] == "setup" => await SetupAsync(sp, input, output, error),
                "users list" => await ListUsersAsync(sp, output),
                "users unlock" => await UnlockUserAsync(sp, output, error),
                "operators token" => await OperatorTokenAsync(sp, output, error),
                "operators unlock" => await UnlockOperatorAsync(sp, output, error),
                "messages reprocess" => await ReprocessMessagesAsync(sp, output, error),
                _ => Usage(error),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    private async Task<int> SetupAsync(IServiceProvider sp, TextReader input, TextWriter output, TextWriter error)
    {
        var request = new SetupRequest(
            Required("--operator-email"),
            Option("--operator-password") ?? ReadLine(input, "--operator-password"),
            Required("--account-name"),
            Required("--owner-email"),
            Option("--owner-password") ?? ReadLine(input, "--owner-password"),
            Option("--owner-family-name"),
            Option("--owner-given-name"));
        var result = await sp.GetRequiredService<SetupInstallationCommand>().HandleAsync(request, CancellationToken.None);
        if (!result.Succeeded)
            return Fail(error, result.Error!);
        output.WriteLine($"Set up: operator {request.OperatorEmail}, account \"{request.AccountName}\" with owner {request.OwnerEmail}.");
        return 0;
    }

    private async Task<int> ListUsersAsync(IServiceProvider sp, TextWriter output)
    {
        var db = sp.GetRequiredService<MadoguchiDbContext>();
        var query = db.Users.AsNoTracking().Join(db.Accounts, u => u.AccountId, a => a.Id, (u, a) => new { User = u, Account = a.Name });
        if (_args.Contains("--locked"))
            query = query.Where(x => x.User.State == UserState.Locked);
        var rows = await query.OrderBy(x => x.Account).ThenBy(x => x.User.Email).ToListAsync();
        output.WriteLine("EMAIL\tNAME\tACCOUNT\tSTATE\tOWNER");
        foreach (var row in rows)
            output.WriteLine($"{row.User.Email}\t{row.User.DisplayName}\t{row.Account}\t{row.User.State.ToString().ToLowerInvariant()}\t{(row.User.IsOwner ? "owner" : "")}");
        output.WriteLine($"{rows.Count} user(s)");
        return 0;
    }

    private async Task<int> UnlockUserAsync(IServiceProvider sp, TextWriter output, TextWriter error)
    {
        var email = Positional(2, "users unlock <email>");
        var db = sp.GetRequiredService<MadoguchiDbContext>();
        var normalized = Emails.Normalize(email);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized);
        if (user is null)
            return Fail(error, new Error(ErrorKind.NotFound, "user_not_found", $"There is no user with the email {email}."));
        var result = await sp.GetRequiredService<Core.Accounts.Lockout.UnlockUserCommand>().HandleAsync(Actor.ServerConsole(), user.Id, CancellationToken.None);
        if (!result.Succeeded)
            return Fail(error, result.Error!);
        output.WriteLine($"Unlocked {email}. They can sign in again.");
        return 0;
    }

    private async Task<int> OperatorTokenAsync(IServiceProvider sp, TextWriter output, TextWriter error)
    {
        var result = await sp.GetRequiredService<CreateOperatorTokenCommand>().HandleAsync(Required("--email"), CancellationToken.None);
        if (!result.Succeeded)
            return Fail(error, result.Error!);
        output.WriteLine(result.Value);
        return 0;
    }

    private async Task<int> UnlockOperatorAsync(IServiceProvider sp, TextWriter output, TextWriter error)
    {
        var email = Positional(2, "operators unlock <email>");
        var db = sp.GetRequiredService<MadoguchiDbContext>();
        var normalized = Emails.Normalize(email);
        var op = await db.Operators.SingleOrDefaultAsync(o => o.NormalizedEmail == normalized);
        if (op is null)
            return Fail(error, new Error(ErrorKind.NotFound, "operator_not_found", $"There is no operator with the email {email}."));
        op.LockedAt = null;
        op.FailedSignInCount = 0;
        await db.SaveChangesAsync();
        output.WriteLine($"Unlocked operator {email}.");
        return 0;
    }

    private async Task<int> ReprocessMessagesAsync(IServiceProvider sp, TextWriter output, TextWriter error)
    {
        var db = sp.GetRequiredService<MadoguchiDbContext>();
        Guid? inboxId = null;
        var label = "every inbox";
        if (Option("--inbox") is { } inbox)
        {
            var matches = Guid.TryParse(inbox, out var id)
                ? await db.Inboxes.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Id, i.Name }).ToListAsync()
                : await db.Inboxes.AsNoTracking().Where(i => i.Name == inbox).Select(i => new { i.Id, i.Name }).ToListAsync();
            if (matches.Count == 0)
                return Fail(error, new Error(ErrorKind.NotFound, "inbox_not_found", $"There is no inbox {inbox}."));
            if (matches.Count > 1)
                return Fail(error, new Error(ErrorKind.Conflict, "inbox_ambiguous", $"{matches.Count} inboxes are named {inbox}; give the id: {string.Join(", ", matches.Select(m => m.Id))}."));
            inboxId = matches[0].Id;
            label = $"inbox \"{matches[0].Name}\" ({matches[0].Id})";
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        var counts = await sp.GetRequiredService<ReprocessMessagesCommand>().HandleAsync(inboxId, CancellationToken.None);
        output.WriteLine($"Reprocessed {counts.Processed} message(s) of {label} in {started.Elapsed.TotalSeconds:0.0} s: {counts.Replaced} replaced, {counts.Created} new, {counts.Failed} failed.");
        return counts.Failed == 0 ? 0 : 1;
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("""
            Usage: dotnet run --project src/Madoguchi.Web -- <command>
              setup --operator-email E [--operator-password P] --account-name N --owner-email E [--owner-password P]
                    [--owner-family-name F] [--owner-given-name G]
                    (a password whose flag is absent is read from standard input, one per line: operator first, then owner)
              users list [--locked]
              users unlock <email>
              operators token --email E
              operators unlock <email>
              messages reprocess [--inbox <id|name>]
                    (re-runs the inbound pipeline on every stored original; replaces, never duplicates)
            """);
        return 2;
    }

    private static int Fail(TextWriter error, Error e)
    {
        error.WriteLine($"error: {e.Message}");
        return 1;
    }

    private string? Option(string name)
    {
        var i = Array.IndexOf(_args, name);
        if (i < 0)
            return null;
        return i + 1 < _args.Length ? _args[i + 1] : throw new UsageException($"{name} needs a value.");
    }

    private string Required(string name) => Option(name) ?? throw new UsageException($"{name} is required.");

    private string Positional(int index, string usage) =>
        _args.Length > index && !_args[index].StartsWith("--", StringComparison.Ordinal) ? _args[index] : throw new UsageException($"Usage: {usage}");

    private static string ReadLine(TextReader input, string name) =>
        input.ReadLine() ?? throw new UsageException($"{name} was not given and standard input has no line for it.");

    private sealed class UsageException(string message) : Exception(message);
}
