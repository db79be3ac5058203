using Madoguchi.Core.Receiving.Servers;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>One outcome of "test connection": which step, whether it worked, plain words and the technical detail.</summary>
public sealed record ConnectionTestStep(string Step, bool Ok, string Message, string? Detail);

/// <summary>A message found on the mail server by the missing-mail finder.</summary>
public sealed record ServerMessage(string Folder, bool InSpamFolder, long? UidValidity, long? Uid, string? Uidl, string? MessageId, string? From, string? Subject, DateTimeOffset? Date, long? Size);

/// <summary>What the missing-mail finder looks for; every given part must match.</summary>
public sealed record MissingMailCriteria(string? Sender, string? SubjectWords, DateTimeOffset? Since, DateTimeOffset? Before)
{
    public const int MaxMatchesPerFolder = 50;
}

/// <summary>A mail server protocol: fetches originals exactly once, tests the connection, searches the server.</summary>
public interface IMailFetcher
{
    ReceiveProtocol Protocol { get; }

    /// <summary>One pass: stores every message not yet stored, committing as it goes. Throws on connection-level failures
    /// (the caller classifies them); per-message failures are recorded as issues and do not stop the pass.</summary>
    Task FetchAsync(FetchContext context, CancellationToken ct);

    /// <summary>After TCP works, on that connected socket (which the probe then owns): TLS, login, folders and the message count, each as a step.</summary>
    Task ProbeAsync(System.Net.Sockets.Socket socket, ServerConnection connection, IReadOnlyList<string> folders, TimeSpan timeout, List<ConnectionTestStep> steps, CancellationToken ct);

    Task<IReadOnlyList<ServerMessage>> SearchAsync(ServerConnection connection, IReadOnlyList<string> folders, MissingMailCriteria criteria, TimeSpan timeout, CancellationToken ct);
}
