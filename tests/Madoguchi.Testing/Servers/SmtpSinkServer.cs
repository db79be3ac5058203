using System.Diagnostics;
using System.Net.Sockets;
using MailKit.Security;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// Postfix's smtp-sink on a free port of 127.0.0.1: accepts and discards mail, or answers with scripted
/// replies (e.g. <c>-f RCPT -B "550 5.1.1 no such user"</c>, <c>-r MAIL -b "451 4.3.0 try later"</c>,
/// <c>-q DATA</c> to hang up). Started and stopped by PID.
/// </summary>
public sealed class SmtpSinkServer : IAsyncDisposable
{
    private const string Program = "/usr/sbin/smtp-sink";
    private readonly Process process;
    private readonly ServerDirectory directory;

    private SmtpSinkServer(Process process, ServerDirectory directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public MailEndpoint Endpoint => new("127.0.0.1", Port, SecureSocketOptions.None);

    /// <summary>Each accepted message as one file (smtp-sink's dump format: envelope, then the message).</summary>
    public string DumpDirectory => directory["dump"];

    public int CountDumpedMessages() =>
        Directory.Exists(DumpDirectory) ? Directory.EnumerateFiles(DumpDirectory, "*", SearchOption.AllDirectories).Count() : 0;

    /// <summary>Waits (up to 10 s) until at least <paramref name="count"/> messages are dumped; returns how many are.</summary>
    public async Task<int> WaitForDumpedAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (CountDumpedMessages() < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return CountDumpedMessages();
    }

    /// <summary>Starts smtp-sink with the given options (see man smtp-sink); -4, -c and a dump folder are added.</summary>
    public static async Task<SmtpSinkServer> StartNewAsync(IEnumerable<string>? options = null, bool dump = false, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException("smtp-sink is not installed (package postfix): run ./test.sh, which installs it.");
        }

        var directory = ServerDirectory.Create("sink");
        var port = FreePort.Get();
        var startInfo = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory.Path,
        };
        startInfo.ArgumentList.Add("-4");
        if (Environment.UserName == "root")
        {
            // smtp-sink refuses to run as root: it drops to the unprivileged user, which must be able to write the dumps.
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add("nobody");
            var nobody = MailUser.Nobody();
            UnixProcess.ChangeOwner(directory.CreateSubdirectory("dump"), nobody.Uid, nobody.Gid);
        }

        if (dump)
        {
            startInfo.ArgumentList.Add("-d");
            startInfo.ArgumentList.Add(Path.Combine(directory.Path, "dump", "m."));
        }

        foreach (var option in options ?? [])
        {
            startInfo.ArgumentList.Add(option);
        }

        startInfo.ArgumentList.Add($"127.0.0.1:{port}");
        startInfo.ArgumentList.Add("64");
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start smtp-sink.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        directory.RecordServer(process.Id, UnixProcess.SigTerm);
        var sink = new SmtpSinkServer(process, directory, port);
        try
        {
            await sink.WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
            return sink;
        }
        catch
        {
            await sink.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            UnixProcess.Signal(process.Id, UnixProcess.SigTerm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        process.Dispose();
        directory.ForgetServer();
        directory.Delete();
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"smtp-sink exited at start (code {process.ExitCode}).");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
