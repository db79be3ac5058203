using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A small POP3-aware relay on a free 127.0.0.1 port in front of a real (plain-text) POP3 server, for tests of a
/// server that refuses one message: <see cref="Refuse"/> makes every <c>RETR n</c> of the chosen message number
/// answer <c>-ERR</c> with the given words, as a faulty server would. The command goes to the server as a RETR of a
/// message that does not exist, so the server itself answers with one <c>-ERR</c> line in its place in the pipeline;
/// the relay only replaces that line's words. <see cref="Stall"/> and <see cref="Disconnect"/> use the same marker: where
/// the answer to that RETR would start, the relay stops relaying (until <see cref="Heal"/>), or closes the connection, as a
/// server that hangs or drops the line on that message would. Everything else passes untouched. <see cref="Heal"/> ends
/// the faults.
/// </summary>
public sealed class Pop3FaultProxy : IAsyncDisposable
{
    public const string DefaultRefusal = "[SYS/PERM] Message is unavailable (injected by the test)";

    private const string Nonexistent = "4294967";

    private readonly Lock gate = new();
    private readonly Dictionary<int, Fault> faults = [];
    private TaskCompletionSource healed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int? refused;
    private string refusalText = DefaultRefusal;
    private int injected;
    private LoopbackRelayListener? listener;

    private Pop3FaultProxy()
    {
    }

    private enum Fault
    {
        Refuse,
        Stall,
        Disconnect,
    }

    public int Port => listener!.Port;

    /// <summary>How many RETR commands were refused so far.</summary>
    public int Injected => Volatile.Read(ref injected);

    public static Pop3FaultProxy Start(int targetPort)
    {
        var proxy = new Pop3FaultProxy();
        proxy.listener = LoopbackRelayListener.Start(targetPort, proxy.RelayAsync);
        return proxy;
    }

    /// <summary>Every <c>RETR <paramref name="messageNumber"/></c> (1-based, as on the wire) is answered <c>-ERR <paramref name="text"/></c>.</summary>
    public void Refuse(int messageNumber, string text = DefaultRefusal)
    {
        lock (gate)
        {
            refused = messageNumber;
            refusalText = text;
        }
    }

    /// <summary>From the answer to <c>RETR <paramref name="messageNumber"/></c> on, nothing more is relayed on that connection until <see cref="Heal"/>.</summary>
    public void Stall(int messageNumber)
    {
        lock (gate)
        {
            faults[messageNumber] = Fault.Stall;
        }
    }

    /// <summary>Where the answer to <c>RETR <paramref name="messageNumber"/></c> would start, the connection is closed.</summary>
    public void Disconnect(int messageNumber)
    {
        lock (gate)
        {
            faults[messageNumber] = Fault.Disconnect;
        }
    }

    /// <summary>Ends the faults for commands sent from now on (a stalled connection is closed).</summary>
    public void Heal()
    {
        lock (gate)
        {
            refused = null;
            faults.Clear();
            healed.TrySetResult();
            healed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await listener!.DisposeAsync().ConfigureAwait(false);
        lock (gate)
        {
            healed.TrySetResult();
        }
    }

    private async Task RelayAsync(Socket client, Socket server)
    {
        await using var toClient = new NetworkStream(client, ownsSocket: true);
        await using var toServer = new NetworkStream(server, ownsSocket: true);
        var pending = new Pending();
        try
        {
            await Task.WhenAny(RelayCommandsAsync(toClient, toServer, pending), RelayResponsesAsync(toServer, toClient, pending)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Relays the client's command lines; a RETR of the refused message goes on as a RETR of a message that does not exist.</summary>
    private async Task RelayCommandsAsync(Stream from, Stream to, Pending pending)
    {
        await foreach (var line in LinesAsync(from).ConfigureAwait(false))
        {
            var bytes = line;
            var text = Encoding.Latin1.GetString(line).TrimEnd('\r', '\n');
            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0].Equals("RETR", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                (Fault Kind, string Words)? marker = null;
                lock (gate)
                {
                    if (refused == number)
                    {
                        marker = (Fault.Refuse, refusalText);
                    }
                    else if (faults.TryGetValue(number, out var fault))
                    {
                        marker = (fault, "");
                    }
                }

                if (marker is { } chosen)
                {
                    Interlocked.Increment(ref injected);
                    pending.Enqueue(chosen);
                    bytes = Encoding.ASCII.GetBytes($"RETR {Nonexistent}\r\n");
                }
            }

            await to.WriteAsync(bytes).ConfigureAwait(false);
            await to.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Relays the server's lines; the <c>-ERR</c> answering a rewritten RETR gets the refusal's words, or stalls
    /// or ends the relay.</summary>
    private async Task RelayResponsesAsync(Stream from, Stream to, Pending pending)
    {
        await foreach (var line in LinesAsync(from).ConfigureAwait(false))
        {
            var bytes = line;
            if (line.Length > 4 && line[0] == (byte)'-' && line.AsSpan(0, 4).SequenceEqual("-ERR"u8) && pending.TryDequeue(out var marker))
            {
                if (marker.Kind == Fault.Stall)
                {
                    Task waitHealed;
                    lock (gate)
                    {
                        waitHealed = healed.Task;
                    }

                    await waitHealed.ConfigureAwait(false);
                    return;
                }

                if (marker.Kind == Fault.Disconnect)
                {
                    return;
                }

                bytes = Encoding.ASCII.GetBytes($"-ERR {marker.Words}\r\n");
            }

            await to.WriteAsync(bytes).ConfigureAwait(false);
            await to.FlushAsync().ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<byte[]> LinesAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
            if (read == 0)
            {
                yield break;
            }

            var start = 0;
            while (start < read)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                if (newline < 0)
                {
                    line.Write(buffer, start, read - start);
                    break;
                }

                line.Write(buffer, start, newline + 1 - start);
                start = newline + 1;
                yield return line.ToArray();
                line.SetLength(0);
            }
        }
    }

    /// <summary>Refusals sent to the server whose <c>-ERR</c> has not come back yet, in order.</summary>
    private sealed class Pending
    {
        private readonly Queue<(Fault Kind, string Words)> markers = new();
        private readonly Lock gate = new();

        public void Enqueue((Fault Kind, string Words) marker)
        {
            lock (gate)
            {
                markers.Enqueue(marker);
            }
        }

        public bool TryDequeue(out (Fault Kind, string Words) marker)
        {
            lock (gate)
            {
                return markers.TryDequeue(out marker);
            }
        }
    }
}
