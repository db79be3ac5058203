using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailKit.Security;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A private Postfix 3 on free ports of 127.0.0.1 (own config, queue and data folders, its own master
/// started and stopped by PID) that delivers mail for <see cref="LocalDomain"/> into the mailbox users of
/// a <see cref="DovecotServer"/> through dovecot-lda, and bounces mail for unknown users back to the sender
/// like a real server. Endpoints: plain relay, submission (STARTTLS and authentication required), SMTPS,
/// and one with small limits (<see cref="LimitedRecipients"/>, <see cref="LimitedSizeBytes"/>).
/// </summary>
public sealed class PostfixServer : IAsyncDisposable
{
    /// <summary>Mail to user@LocalDomain lands in the Dovecot user's INBOX.</summary>
    public const string LocalDomain = "mail.test";

    /// <summary>Unknown users of this domain are refused at RCPT TO with 550 5.1.1.</summary>
    public const string RejectingDomain = "rejecting.test";

    /// <summary>Senders of this domain are refused at MAIL FROM with 554 5.7.1.</summary>
    public const string RejectedSenderDomain = "rejected-sender.test";

    public const int LimitedRecipients = 3;

    public const int LimitedSizeBytes = 20_000;

    private const string MasterProgram = "/usr/lib/postfix/sbin/master";
    private readonly ServerDirectory directory;
    private readonly PostfixConfiguration configuration;
    private readonly TestCertificateAuthority certificates;
    private readonly StringBuilder consoleOutput = new();
    private Process? master;

    private PostfixServer(ServerDirectory directory, PostfixConfiguration configuration, TestCertificateAuthority certificates)
    {
        this.directory = directory;
        this.configuration = configuration;
        this.certificates = certificates;
    }

    public string Host => "127.0.0.1";

    /// <summary>Relays from 127.0.0.1 without authentication.</summary>
    public MailEndpoint Smtp => new(Host, configuration.SmtpPort, SecureSocketOptions.None);

    /// <summary>Requires STARTTLS (530 5.7.0 before it) and authentication for relaying.</summary>
    public MailEndpoint Submission => new(Host, configuration.SubmissionPort, SecureSocketOptions.StartTls);

    /// <summary>TLS from the first byte; authentication for relaying.</summary>
    public MailEndpoint Smtps => new(Host, configuration.SmtpsPort, SecureSocketOptions.SslOnConnect);

    /// <summary>Plain, no authentication, at most <see cref="LimitedRecipients"/> recipients and <see cref="LimitedSizeBytes"/> bytes.</summary>
    public MailEndpoint Limited => new(Host, configuration.LimitedPort, SecureSocketOptions.None);

    /// <summary>The root that signed the server certificate (for a client that checks certificates).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 CertificateAuthority => certificates.Authority;

    public string CertificateAuthorityPath => configuration.AuthorityPath;

    /// <summary>For MailKit's ServerCertificateValidationCallback: trusts the generated authority only.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback CertificateAuthorityValidator => certificates.Validate;

    public string LogPath => configuration.LogPath;

    public bool IsRunning => master is { HasExited: false };

    /// <summary>Starts a Postfix that delivers into <paramref name="dovecot"/> (which must be running).</summary>
    public static async Task<PostfixServer> StartNewAsync(DovecotServer dovecot, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(MasterProgram))
        {
            throw new InvalidOperationException("Postfix is not installed: run ./test.sh, which installs it.");
        }

        var directory = ServerDirectory.Create("pf");
        var configuration = new PostfixConfiguration(
            directory.Path, FreePort.Get(), FreePort.Get(), FreePort.Get(), FreePort.Get(),
            dovecot.ConfigurationPath, dovecot.MailTransferAuthSocketPath);
        var server = new PostfixServer(directory, configuration, TestCertificateAuthority.Create());
        try
        {
            server.WriteFiles();
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the stopped server again with the same config, queue and ports. No-op when running.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        // -d keeps the master in the foreground: it is our child and we know its PID.
        var startInfo = new ProcessStartInfo(MasterProgram)
        {
            ArgumentList = { "-c", configuration.ConfigDirectory, "-d" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["MAIL_CONFIG"] = configuration.ConfigDirectory;
        master = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the Postfix master.");
        master.OutputDataReceived += (_, e) => CaptureConsole(e.Data);
        master.ErrorDataReceived += (_, e) => CaptureConsole(e.Data);
        master.BeginOutputReadLine();
        master.BeginErrorReadLine();
        directory.RecordServer(master.Id, UnixProcess.SigTerm);
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the master and every Postfix process it started; keeps the queue and ports.</summary>
    public async Task StopAsync()
    {
        if (master is null)
        {
            return;
        }

        var running = master;
        master = null;
        var workers = UnixProcess.Children(running.Id);
        if (!running.HasExited)
        {
            UnixProcess.Signal(running.Id, UnixProcess.SigTerm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await running.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                running.Kill();
                await running.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        // The master is not a process group leader here, so its children end on their own when they
        // notice it is gone; make sure of it, as they hold the listening sockets.
        foreach (var (pid, _) in workers)
        {
            if (!await UnixProcess.WaitForExitAsync(pid, TimeSpan.FromSeconds(5)).ConfigureAwait(false))
            {
                UnixProcess.Signal(pid, UnixProcess.SigKill);
                await UnixProcess.WaitForExitAsync(pid, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
        }

        running.Dispose();
        directory.ForgetServer();
    }

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    /// <summary>Waits until Postfix has no message left in its queue (delivered or bounced).</summary>
    public async Task WaitUntilQueueEmptyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        string[] queues = ["incoming", "active", "deferred", "maildrop"];
        while (true)
        {
            var left = queues.Sum(q => Directory.EnumerateFiles(Path.Combine(configuration.QueueDirectory, q), "*", SearchOption.AllDirectories).Count());
            if (left == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Postfix still holds {left} message(s) after {timeout}.\nLog:\n{ReadLog()}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        certificates.Dispose();
        directory.Delete();
    }

    private void WriteFiles()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The test servers run on Linux (Debian packages).");
        }

        var owner = SystemAccount.Find("postfix");
        var postdrop = SystemAccount.FindGroup("postdrop");
        directory.CreateSubdirectory("conf");
        directory.CreateSubdirectory("queue");
        var data = directory.CreateSubdirectory("data");
        File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        UnixProcess.ChangeOwner(data, owner.Uid, owner.Gid);
        // What "postfix check" would create, without its three seconds.
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var queue in new[] { "incoming", "active", "deferred", "bounce", "defer", "trace", "flush", "hold", "corrupt", "saved", "private" })
        {
            var path = Path.Combine(configuration.QueueDirectory, queue);
            Directory.CreateDirectory(path);
            File.SetUnixFileMode(path, Private);
            UnixProcess.ChangeOwner(path, owner.Uid, 0);
        }

        var maildrop = Path.Combine(configuration.QueueDirectory, "maildrop");
        Directory.CreateDirectory(maildrop);
        File.SetUnixFileMode(maildrop, Private | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.StickyBit);
        UnixProcess.ChangeOwner(maildrop, owner.Uid, postdrop.Gid);
        var publicQueue = Path.Combine(configuration.QueueDirectory, "public");
        Directory.CreateDirectory(publicQueue);
        File.SetUnixFileMode(publicQueue, Private | UnixFileMode.GroupExecute);
        UnixProcess.ChangeOwner(publicQueue, owner.Uid, postdrop.Gid);
        directory.CreateSubdirectory(Path.Combine("queue", "pid"));
        certificates.WritePem(configuration.AuthorityPath, configuration.CertificatePath, configuration.KeyPath);
        File.WriteAllText(Path.Combine(configuration.ConfigDirectory, "main.cf"), configuration.RenderMain());
        File.WriteAllText(Path.Combine(configuration.ConfigDirectory, "master.cf"), configuration.RenderMaster());
    }

    private void CaptureConsole(string? line)
    {
        if (line is not null)
        {
            lock (consoleOutput)
            {
                consoleOutput.AppendLine(line);
            }
        }
    }

    /// <summary>Ready = every listener greets with 220.</summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        foreach (var port in new[] { configuration.SmtpPort, configuration.SubmissionPort, configuration.LimitedPort })
        {
            while (!await GreetsAsync(port, cancellationToken).ConfigureAwait(false))
            {
                if (master is not { HasExited: false })
                {
                    throw StartFailure("The Postfix master exited during start-up.");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw StartFailure("Postfix did not become ready within 20 s.");
                }

                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> GreetsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Host, port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var line = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            return line is not null && line.StartsWith("220", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
        }
        catch (IOException)
        {
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return false;
    }

    private InvalidOperationException StartFailure(string what)
    {
        string console;
        lock (consoleOutput)
        {
            console = consoleOutput.ToString();
        }

        return new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"{what}\nConsole:\n{console}\nLog ({LogPath}):\n{ReadLog()}"));
    }
}
