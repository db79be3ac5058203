using System.Net;
using System.Net.Sockets;

namespace Madoguchi.Core.Network;

/// <summary>Opens outbound TCP connections only to addresses the <see cref="OutboundAddressGuard"/> allows, and to exactly
/// the address that was checked: the caller hands the connected socket to MailKit together with the host name (for TLS
/// SNI and the certificate's name check), so the name is never looked up a second time.</summary>
public sealed class GuardedConnector(OutboundAddressGuard guard)
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => guard.ResolveAsync(host, ct);

    /// <summary>Resolves, checks and connects. Throws <see cref="OutboundAddressRefusedException"/> before any packet is
    /// sent when the destination is refused, <see cref="SocketException"/> for lookup and connect failures.</summary>
    public async Task<Socket> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken ct) =>
        await ConnectAsync(await guard.ResolveAsync(host, ct), port, timeout, ct);

    /// <summary>Connects to the first of <paramref name="addresses"/> (already checked by <see cref="ResolveAsync"/>) that answers.</summary>
    public async Task<Socket> ConnectAsync(IPAddress[] addresses, int port, TimeSpan timeout, CancellationToken ct)
    {
        foreach (var address in addresses)
        {
            // Defence in depth: a caller may have obtained the list elsewhere.
            if (guard.Check(address) is { } refusal)
                throw new OutboundAddressRefusedException(refusal.Code, refusal.Detail);
        }
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), limit.Token);
                return socket;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                socket.Dispose();
                last = new SocketException((int)SocketError.TimedOut);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
