using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit.Security;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A private Dovecot 2.3 (IMAP and POP3, each plain+STARTTLS and implicit TLS) on free ports of
/// 127.0.0.1, with its own users, mail, certificate and log. Start one per test class.
/// Mailbox operations: DovecotServer.Mailboxes.cs; breaking things on purpose: DovecotServer.Faults.cs.
/// </summary>
public sealed partial class DovecotServer : IAsyncDisposable
{
    private const string DovecotProgram = "/usr/sbin/dovecot";
    private readonly ServerDirectory directory;
    private readonly DovecotConfiguration configuration;
    private readonly TestCertificateAuthority certificates;
    private readonly MailUser mailUser = MailUser.Nobody();
    private readonly StringBuilder consoleOutput = new();
    private Process? master;

    private DovecotServer(ServerDirectory directory, DovecotConfiguration configuration, TestCertificateAuthority certificates)
    {
        this.directory = directory;
        this.configuration = configuration;
        this.certificates = certificates;
    }

    public string Host => "127.0.0.1";

    public int ImapPort => configuration.ImapPort;

    public int ImapsPort => configuration.ImapsPort;

    public int Pop3Port => configuration.Pop3Port;

    public int Pop3sPort => configuration.Pop3sPort;

    public MailEndpoint Imap => new(Host, ImapPort, SecureSocketOptions.None);

    public MailEndpoint ImapStartTls => new(Host, ImapPort, SecureSocketOptions.StartTls);

    public MailEndpoint ImapTls => new(Host, ImapsPort, SecureSocketOptions.SslOnConnect);

    public MailEndpoint Pop3 => new(Host, Pop3Port, SecureSocketOptions.None);

    public MailEndpoint Pop3StartTls => new(Host, Pop3Port, SecureSocketOptions.StartTls);

    public MailEndpoint Pop3Tls => new(Host, Pop3sPort, SecureSocketOptions.SslOnConnect);

    /// <summary>The root that signed the server certificate; trust it (or use <see cref="ValidateServerCertificate"/>).</summary>
    public X509Certificate2 CertificateAuthority => certificates.Authority;

    public string CertificateAuthorityPath => configuration.AuthorityPath;

    public X509Certificate2 ServerCertificate => certificates.Server;

    public string ServerCertificatePath => configuration.CertificatePath;

    public string LogPath => configuration.LogPath;

    public bool IsRunning => master is { HasExited: false };

    /// <summary>For MailKit's ServerCertificateValidationCallback: trusts the generated authority only.</summary>
    public bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificates.Validate(sender, certificate, chain, errors);

    public static async Task<DovecotServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(DovecotProgram))
        {
            throw new InvalidOperationException("Dovecot is not installed: run ./test.sh, which installs it.");
        }

        var directory = ServerDirectory.Create("dc");
        var configuration = new DovecotConfiguration(directory.Path, FreePort.Get(), FreePort.Get(), FreePort.Get(), FreePort.Get());
        var certificates = TestCertificateAuthority.Create();
        var server = new DovecotServer(directory, configuration, certificates);
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

    /// <summary>Starts the stopped server again with the same config, data and ports. No-op when running.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        // -F keeps the master in the foreground: it is our child and we know its PID.
        var startInfo = new ProcessStartInfo(DovecotProgram)
        {
            ArgumentList = { "-F", "-c", configuration.ConfigPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        master = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dovecot.");
        master.OutputDataReceived += (_, e) => CaptureConsole(e.Data);
        master.ErrorDataReceived += (_, e) => CaptureConsole(e.Data);
        master.BeginOutputReadLine();
        master.BeginErrorReadLine();
        directory.RecordServer(master.Id, UnixProcess.SigTerm);
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (and every session) but keeps users, mail and ports.</summary>
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

        // Children inherit the listening sockets; the ports are only free again once they are gone.
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

    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        certificates.Dispose();
        directory.Delete();
    }

    private void WriteFiles()
    {
        directory.CreateSubdirectory("run");
        directory.CreateSubdirectory("state");
        directory.CreateSubdirectory("home");
        File.WriteAllText(configuration.UsersPath, "");
        certificates.WritePem(configuration.AuthorityPath, configuration.CertificatePath, configuration.KeyPath);
        File.WriteAllText(configuration.ConfigPath, configuration.Render());
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

    /// <summary>Ready = the IMAP greeting says "ready" (before that, logins wait for the auth process).</summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (master is not { HasExited: false })
            {
                throw StartFailure("Dovecot exited during start-up.");
            }

            if (await GreetsAsReadyAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        throw StartFailure("Dovecot did not become ready within 20 s.");
    }

    private async Task<bool> GreetsAsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Host, ImapPort, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            while (await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (line.Contains("ready", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
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

        return new InvalidOperationException($"{what}\nConsole:\n{console}\nLog ({LogPath}):\n{ReadLog()}");
    }
}
