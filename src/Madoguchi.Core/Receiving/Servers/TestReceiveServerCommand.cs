using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Servers;

public sealed record ConnectionTestResult(bool Ok, IReadOnlyList<ConnectionTestStep> Steps);

/// <summary>"Test connection": name lookup, address check, TCP, TLS (certificate problems named), login, folders, message
/// count — each step with plain words and technical detail, stopping at the first that fails. The TCP connection goes
/// to an address that passed the check, and the later steps run on that same connection.</summary>
public sealed class TestReceiveServerCommand(MadoguchiDbContext db, IEnumerable<IMailFetcher> fetchers, ReceivePasswordProtector passwords, OutboundAddressGuard guard, GuardedConnector connector,
    IOptions<ReceivingOptions> options)
{
    public async Task<Result<ConnectionTestResult>> HandleAsync(Actor actor, Guid inboxId, Guid serverId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var server = await db.ReceiveServers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == serverId && s.InboxId == inboxId, ct);
        if (server is null)
            return Error.NotFound("The receive server");
        var connection = new ServerConnection(server.Id, server.Host, server.Port, server.Security, server.ValidateCertificate, server.Username, passwords.Unprotect(server.ProtectedPassword));
        var steps = new List<ConnectionTestStep>();
        await RunAsync(connection, server.Protocol == ReceiveProtocol.Imap ? server.Folders : [], fetchers.Single(f => f.Protocol == server.Protocol), steps, ct);
        return new ConnectionTestResult(steps.Count > 0 && steps.All(s => s.Ok), steps);
    }

    private async Task RunAsync(ServerConnection connection, IReadOnlyList<string> folders, IMailFetcher fetcher, List<ConnectionTestStep> steps, CancellationToken ct)
    {
        var timeout = options.Value.Timeout < TimeSpan.FromSeconds(15) ? options.Value.Timeout : TimeSpan.FromSeconds(15);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(connection.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(connection.Host, ct);
            if (addresses.Length == 0)
                throw new SocketException((int)SocketError.HostNotFound);
            steps.Add(new ConnectionTestStep(ConnectionSteps.NameLookup, true, $"{connection.Host} was found.", string.Join(", ", addresses.Select(a => a.ToString()))));
        }
        catch (SocketException e)
        {
            steps.Add(ConnectionSteps.Failed(ConnectionSteps.NameLookup, ReceiveFailureClassifier.Classify(e, connection: connection)));
            return;
        }

        try
        {
            // The same lookup is not repeated: only addresses found above and allowed here are connected to.
            addresses = guard.Allowed(addresses);
            steps.Add(new ConnectionTestStep(ConnectionSteps.AddressCheck, true, "The server's address may be connected to.", string.Join(", ", addresses.Select(a => a.ToString()))));
        }
        catch (OutboundAddressRefusedException e)
        {
            steps.Add(ConnectionSteps.Failed(ConnectionSteps.AddressCheck, ReceiveFailureClassifier.Classify(e)));
            return;
        }

        var watch = Stopwatch.StartNew();
        Socket socket;
        try
        {
            socket = await connector.ConnectAsync(addresses, connection.Port, timeout, ct);
            steps.Add(new ConnectionTestStep(ConnectionSteps.TcpConnect, true, $"Port {connection.Port} accepts connections.", $"{socket.RemoteEndPoint} in {watch.ElapsedMilliseconds} ms"));
        }
        catch (SocketException e)
        {
            steps.Add(ConnectionSteps.Failed(ConnectionSteps.TcpConnect, ReceiveFailureClassifier.Classify(e, connection: connection)));
            return;
        }

        using (socket)
            await fetcher.ProbeAsync(socket, connection, folders, timeout, steps, ct);
    }
}
