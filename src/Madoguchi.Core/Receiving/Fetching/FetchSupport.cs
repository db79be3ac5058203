using System.Globalization;
using MailKit;
using MailKit.Net.Imap;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>A per-message problem found while fetching, before it becomes a <see cref="FetchIssue"/> row.</summary>
public sealed record FetchIssueDraft(string Code, string? Detail, long? Uid, long? Size);

/// <summary>Reads one IMAP message in pieces (BODY.PEEK[]&lt;offset.count&gt;), so a 100 MB message never sits in memory whole.</summary>
internal sealed class ImapChunkedStream(IMailFolder folder, UniqueId uid, int chunkSize) : Stream
{
    private Stream? _current;
    private long _offset;
    private bool _done;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _offset; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!_done)
        {
            if (_current is null)
            {
                var chunk = await folder.GetStreamAsync(uid, checked((int)_offset), chunkSize, cancellationToken);
                if (chunk.Length == 0)
                {
                    await chunk.DisposeAsync();
                    _done = true;
                    return 0;
                }
                _current = chunk;
            }
            var read = await _current.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                _offset += read;
                return read;
            }
            var wasFull = _current.Length >= chunkSize;
            await _current.DisposeAsync();
            _current = null;
            if (!wasFull)
                _done = true;
        }
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _current?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Where servers keep spam: the SPECIAL-USE \Junk folder, else the usual names.</summary>
internal static class JunkFolders
{
    public static readonly string[] CommonNames = ["Junk", "Spam", "迷惑メール", "Junk E-mail", "Junk Email", "Bulk Mail"];

    public static async Task<IReadOnlyList<IMailFolder>> FindAsync(ImapClient client, CancellationToken ct)
    {
        var found = new List<IMailFolder>();
        if ((client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0)
        {
            try
            {
                if (client.GetFolder(SpecialFolder.Junk) is { } junk)
                    found.Add(junk);
            }
            catch (NotSupportedException)
            {
            }
        }
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        foreach (var folder in await personal.GetSubfoldersAsync(false, ct))
        {
            if (CommonNames.Any(n => string.Equals(n, folder.Name, StringComparison.OrdinalIgnoreCase)) && !found.Any(f => f.FullName == folder.FullName))
                found.Add(folder);
        }
        return found;
    }
}

/// <summary>The connect and login steps of "test connection", shared by both protocols.</summary>
internal static class ProbeSteps
{
    public static async Task<bool> ConnectAsync(IMailService client, System.Net.Sockets.Socket socket, ServerConnection connection, CertificateObservation certificate, List<ConnectionTestStep> steps, CancellationToken ct)
    {
        try
        {
            await MailConnector.HandOverAsync(client, socket, connection, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var failure = ReceiveFailureClassifier.Classify(e, certificate, connection);
            steps.Add(new ConnectionTestStep(connection.Security == Servers.MailSecurity.None ? "greeting" : ConnectionSteps.Tls, false, failure.Text.En, failure.Detail));
            return false;
        }
        steps.Add(connection.Security == Servers.MailSecurity.None
            ? new ConnectionTestStep(ConnectionSteps.Tls, true, "No encryption is set: the password and mail travel unencrypted.", "security=none")
            : new ConnectionTestStep(ConnectionSteps.Tls, true, "The secure connection works and the certificate is " + (connection.ValidateCertificate ? "valid." : "not checked (certificate check is off)."),
                string.Create(CultureInfo.InvariantCulture, $"{(client as MailService)?.SslProtocol} {(client as MailService)?.SslCipherSuite}; {certificate.Describe()}")));
        return true;
    }

    public static async Task<bool> LoginAsync(IMailService client, ServerConnection connection, CertificateObservation certificate, List<ConnectionTestStep> steps, CancellationToken ct)
    {
        try
        {
            await client.AuthenticateAsync(connection.Username, connection.Password, ct);
            steps.Add(new ConnectionTestStep(ConnectionSteps.Login, true, $"Signed in as {connection.Username}.", null));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            steps.Add(ConnectionSteps.Failed(ConnectionSteps.Login, ReceiveFailureClassifier.Classify(e, certificate, connection)));
            return false;
        }
    }
}
