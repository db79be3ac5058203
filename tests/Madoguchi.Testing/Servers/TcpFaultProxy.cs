using System.Net;
using System.Net.Sockets;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A TCP relay on a free 127.0.0.1 port in front of a real server, for tests of
/// "connection dropped mid-transfer": point the client at <see cref="Port"/>, sign in, then
/// <see cref="CutAfterServerBytes"/> and start a large download; the connection closes once that
/// many more bytes have reached the client. Works for TLS too (it relays bytes, the certificate
/// still names 127.0.0.1).
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly List<Relay> relays = [];
    private readonly Lock gate = new();
    private long? cutAfterBytes;
    private LoopbackRelayListener? listener;

    private TcpFaultProxy()
    {
    }

    public int Port => listener!.Port;

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref connections);

    private int connections;

    /// <summary>Connections cut so far (by a byte limit or <see cref="DropAll"/>).</summary>
    public int CutCount { get; private set; }

    public static TcpFaultProxy Start(int targetPort)
    {
        var proxy = new TcpFaultProxy();
        proxy.listener = LoopbackRelayListener.Start(targetPort, proxy.RelayAsync);
        return proxy;
    }

    /// <summary>
    /// Every open connection, and each one opened later, is closed after relaying this many more
    /// server-to-client bytes (counted from now, or from its start). Stays armed until <see cref="Heal"/>.
    /// </summary>
    public void CutAfterServerBytes(long bytes)
    {
        lock (gate)
        {
            cutAfterBytes = bytes;
            foreach (var relay in relays)
            {
                relay.Arm(bytes);
            }
        }
    }

    /// <summary>Stops cutting; connections opened from now on are relayed untouched.</summary>
    public void Heal()
    {
        lock (gate)
        {
            cutAfterBytes = null;
            foreach (var relay in relays)
            {
                relay.Disarm();
            }
        }
    }

    /// <summary>Closes every open connection now.</summary>
    public void DropAll()
    {
        lock (gate)
        {
            foreach (var relay in relays)
            {
                relay.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropAll();
        await listener!.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RelayAsync(Socket client, Socket server)
    {
        Interlocked.Increment(ref connections);
        var relay = new Relay(client, server, () => CutCount++);
        lock (gate)
        {
            if (cutAfterBytes is { } bytes)
            {
                relay.Arm(bytes);
            }

            relays.Add(relay);
        }

        await relay.RunAsync().ConfigureAwait(false);
        lock (gate)
        {
            relays.Remove(relay);
        }
    }

    /// <summary>One client connection and its server connection.</summary>
    private sealed class Relay(Socket client, Socket server, Action onCut)
    {
        private long remaining = long.MaxValue;
        private int closed;

        public void Arm(long bytes) => Interlocked.Exchange(ref remaining, bytes);

        public void Disarm() => Interlocked.Exchange(ref remaining, long.MaxValue);

        public async Task RunAsync()
        {
            await Task.WhenAll(CopyAsync(client, server, limited: false), CopyAsync(server, client, limited: true)).ConfigureAwait(false);
            Close();
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                client.Dispose();
                server.Dispose();
            }
        }

        private async Task CopyAsync(Socket from, Socket to, bool limited)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    var allowed = limited ? (int)Math.Min(read, Interlocked.Read(ref remaining)) : read;
                    if (allowed > 0)
                    {
                        await to.SendAsync(buffer.AsMemory(0, allowed), SocketFlags.None).ConfigureAwait(false);
                    }

                    if (limited && Interlocked.Add(ref remaining, -allowed) <= 0)
                    {
                        onCut();
                        break;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            Close();
        }
    }
}
