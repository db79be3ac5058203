using System.CommandLine;
using System.CommandLine.Help;

namespace Madoguchi.Web.Cli;

/// <summary>Admin verbs on the same binary, using the same configuration and data folder as the server started from
/// the same working directory. The command line means "run the server" only when it is empty or holds nothing but host
/// options (<see cref="HostArguments"/>); any other word is a verb, and an unknown one is a usage error (exit code 2),
/// never a server start. Exit codes: 0 done, 1 the operation failed, 2 usage.</summary>
public sealed class AdminCommandLine
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    /// <summary>Every verb of this assembly, in help order.</summary>
    private static readonly Type[] VerbTypes = typeof(AdminVerb).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(AdminVerb)) && !t.IsAbstract)
        .ToArray();

    private readonly ParseResult _parse;
    private readonly Dictionary<Command, AdminVerb> _verbs = [];
    private AdminRun? _run;

    private AdminCommandLine(IReadOnlyList<string> args, string[] hostArgs)
    {
        HostArgs = hostArgs;
        var root = new RootCommand("Madoguchi (窓口): a shared inbox for support teams. With no command, or with only host options "
            + "(--urls URL, --environment NAME, --Madoguchi:Key=value …), the web server starts. The commands below use the same "
            + "settings and data folder as the server started from the same folder. Exit codes: 0 done, 1 failed, 2 usage.");
        foreach (var verb in VerbTypes.Select(t => (AdminVerb)Activator.CreateInstance(t, nonPublic: true)!).OrderBy(v => string.Join(' ', v.Path), StringComparer.Ordinal))
        {
            verb.Command.SetAction((parse, ct) => InvokeVerbAsync(verb, ct));
            _verbs.Add(verb.Command, verb);
            GroupFor(root, verb.Path).Add(verb.Command);
        }
        _parse = root.Parse(args);
    }

    /// <summary>Configuration overrides passed through to the host, e.g. --Madoguchi:DataDirectory=/srv/madoguchi.</summary>
    public string[] HostArgs { get; }

    /// <summary>False for help and usage errors, which are answered without building the host (no database is opened).</summary>
    public bool NeedsServices => RunsVerb && _verbs[_parse.CommandResult.Command].NeedsServices;

    private bool RunsVerb => _parse.Errors.Count == 0 && _parse.Action is not HelpAction && _verbs.ContainsKey(_parse.CommandResult.Command);

    /// <summary>Null when the arguments mean "run the web server": none, or host options only.</summary>
    public static AdminCommandLine? Parse(string[] args)
    {
        var (host, rest) = HostArguments.Split(args);
        return rest.Length == 0 ? null : new AdminCommandLine(rest, host);
    }

    public async Task<int> RunAsync(IServiceProvider services, TextReader input, TextWriter output, TextWriter error)
    {
        if (_parse.Errors.Count > 0)
        {
            // The errors (with "did you mean" for typos), then the nearest command's help: all on standard error.
            await _parse.InvokeAsync(new InvocationConfiguration { Output = error, Error = error });
            return UsageError;
        }
        if (!NeedsServices)
        {
            if (RunsVerb)
                _run = new AdminRun(_parse, services, input, output, error);
            return await _parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = !RunsVerb });
        }

        await using var scope = services.CreateAsyncScope();
        _run = new AdminRun(_parse, scope.ServiceProvider, input, output, error);
        return await _parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private async Task<int> InvokeVerbAsync(AdminVerb verb, CancellationToken ct)
    {
        var run = _run ?? throw new InvalidOperationException("The verb ran without services.");
        try
        {
            return await verb.RunAsync(run, ct);
        }
        catch (AdminUsageException e)
        {
            await run.Error.WriteLineAsync(e.Message);
            return UsageError;
        }
    }

    private static Command GroupFor(RootCommand root, IReadOnlyList<string> path)
    {
        Command parent = root;
        foreach (var word in path.Take(path.Count - 1))
        {
            var group = parent.Subcommands.FirstOrDefault(c => c.Name == word);
            if (group is null)
            {
                group = new Command(word, GroupDescription(word));
                parent.Add(group);
            }
            parent = group;
        }
        return parent;
    }

    private static string GroupDescription(string word) => word switch
    {
        "users" => "Users of every account: list, unlock.",
        "operators" => "Operators (運営者) of the installation: API tokens, unlock, reset two-factor authentication.",
        "messages" => "Stored messages: re-run the inbound pipeline.",
        "search" => "The search index: rebuild it.",
        "storage" => "Storage use of every account: recount and repair.",
        "bounces" => "Delivery failure reports (bounces): analyse mail files.",
        _ => $"{word} commands.",
    };
}

/// <summary>The services given to help and usage errors, which need none.</summary>
public sealed class EmptyServices : IServiceProvider
{
    public static readonly EmptyServices Instance = new();

    public object? GetService(Type serviceType) => null;
}
