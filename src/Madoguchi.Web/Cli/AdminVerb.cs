using System.CommandLine;
using Madoguchi.Core.Common;

namespace Madoguchi.Web.Cli;

/// <summary>One admin verb (<c>users unlock</c>): its options and arguments, its help text, and what it does through
/// a Core command. Adding a verb is adding one subclass; <see cref="AdminCommandLine"/> finds every subclass.</summary>
public abstract class AdminVerb
{
    protected AdminVerb(string path, string description)
    {
        Path = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Command = new Command(Path[^1], description);
    }

    /// <summary>The words that name the verb, e.g. ["users", "unlock"]; all but the last are groups.</summary>
    public IReadOnlyList<string> Path { get; }

    public Command Command { get; }

    /// <summary>False for verbs that work on files alone (<c>bounces analyze</c>): they run without building the host, so
    /// no database is opened or migrated.</summary>
    public virtual bool NeedsServices => true;

    protected void Add(Option option) => Command.Add(option);

    protected void Add(Argument argument) => Command.Add(argument);

    /// <summary>Runs the verb: 0 when it did its work, 1 when the operation failed (<see cref="Fail"/>).
    /// Throw <see cref="AdminUsageException"/> for a usage problem found late (exit code 2).</summary>
    public abstract Task<int> RunAsync(AdminRun run, CancellationToken ct);

    protected static int Fail(AdminRun run, Error error)
    {
        run.Error.WriteLine($"error: {error.Message}");
        return 1;
    }
}

/// <summary>What one run of a verb works with: the parsed command line, the app's services (a scope of its own),
/// standard input for passwords, and the two output streams.</summary>
public sealed record AdminRun(ParseResult Parse, IServiceProvider Services, TextReader Input, TextWriter Output, TextWriter Error)
{
    public static Actor Actor => Actor.ServerConsole();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}

/// <summary>A usage problem only the verb itself can see (e.g. a password neither given nor on standard input): exit code 2.</summary>
public sealed class AdminUsageException(string message) : Exception(message);
