using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Holds one IMAP connection in IDLE on the server's first folder and asks for a fetch when the server says
/// new mail exists. Returns when the server does not offer IDLE (polling covers it) or the connection fails.</summary>
internal static class ImapIdleListener
{
    public static async Task<bool> ListenAsync(Network.GuardedConnector connector, ServerConnection connection, string folderName, TimeSpan timeout, Action newMail, ILogger logger, CancellationToken ct)
    {
        using var client = new ImapClient();
        await MailConnector.ConnectAsync(client, connector, connection, new CertificateObservation(), timeout, ct);
        if ((client.Capabilities & ImapCapabilities.Idle) == 0)
        {
            ReceivingLog.IdleStopped(logger, connection.ServerId, "the server does not offer IDLE");
            await client.DisconnectAsync(quit: true, ct);
            return false;
        }
        var folder = await client.GetFolderAsync(folderName, ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, ct);
        folder.CountChanged += (_, _) =>
        {
            ReceivingLog.IdleNewMail(logger, connection.ServerId);
            newMail();
        };
        // Mail that arrived while nobody listened.
        newMail();
        while (!ct.IsCancellationRequested)
        {
            // RFC 2177: re-issue IDLE before 29 minutes; 9 keeps NAT boxes from forgetting the connection.
            using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
            done.CancelAfter(TimeSpan.FromMinutes(9));
            await client.IdleAsync(done.Token, ct);
        }
        return true;
    }
}
