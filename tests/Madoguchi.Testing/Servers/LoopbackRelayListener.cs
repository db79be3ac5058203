using System.Net;
using System.Net.Sockets;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// The half every fault proxy shares: a listener on a free 127.0.0.1 port that, for each client, connects to the
/// target port on 127.0.0.1 and hands both sockets to the proxy's relay. Disposing stops accepting and closes every
/// connection still open.
/// </summary>
public sealed class LoopbackRelayListener : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int targetPort;
    private readonly Func<Socket, Socket, Task> relay;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<Socket> sockets = [];
    private Task? acceptLoop;

    private LoopbackRelayListener(int targetPort, Func<Socket, Socket, Task> relay)
    {
        this.targetPort = targetPort;
        this.relay = relay;
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Starts listening; <paramref name="relay"/> runs once per connection with the client's and the server's socket.</summary>
    public static LoopbackRelayListener Start(int targetPort, Func<Socket, Socket, Task> relay)
    {
        var relays = new LoopbackRelayListener(targetPort, relay);
        relays.listener.Start();
        relays.acceptLoop = relays.AcceptAsync();
        return relays;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        lock (gate)
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        if (acceptLoop is not null)
        {
            await acceptLoop.ConfigureAwait(false);
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ConnectAndRelayAsync(client);
        }
    }

    private async Task ConnectAndRelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, targetPort, stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }

        lock (gate)
        {
            sockets.Add(client);
            sockets.Add(server);
        }

        try
        {
            await relay(client, server).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (gate)
            {
                sockets.Remove(client);
                sockets.Remove(server);
            }
        }
    }
}
