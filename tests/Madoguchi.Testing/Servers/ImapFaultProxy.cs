using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A small IMAP-aware relay on a free 127.0.0.1 port in front of a real (plain-text) IMAP server, for
/// tests of servers that withhold one message: it reads the server's responses (literals included)
/// and, for the message bodies of chosen UIDs, answers as a faulty server would:
/// <see cref="Refuse"/> drops the message's FETCH response and turns the command's OK into a
/// <c>NO [UNAVAILABLE]</c>; <see cref="Drop"/> leaves the message out of the answer, still OK;
/// <see cref="Stall"/> stops answering from that message on (the client times out); <see cref="Disconnect"/> closes the
/// connection where that message would start. Everything else
/// passes untouched. <see cref="Heal"/> ends the faults for responses relayed from then on.
/// </summary>
public sealed partial class ImapFaultProxy : IAsyncDisposable
{
    public const string DefaultRefusal = "[UNAVAILABLE] Internal error occurred. Refer to server log for more information. [test]";

    private readonly Lock gate = new();
    private readonly Dictionary<uint, Fault> faults = [];
    private TaskCompletionSource healed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string refusalText = DefaultRefusal;
    private int injected;
    private LoopbackRelayListener? listener;

    private ImapFaultProxy()
    {
    }

    private enum Fault
    {
        Refuse,
        Drop,
        Stall,
        Disconnect,
    }

    public int Port => listener!.Port;

    /// <summary>How many message bodies were refused, dropped or stalled so far.</summary>
    public int Injected => Volatile.Read(ref injected);

    public static ImapFaultProxy Start(int targetPort)
    {
        var proxy = new ImapFaultProxy();
        proxy.listener = LoopbackRelayListener.Start(targetPort, proxy.RelayAsync);
        return proxy;
    }

    /// <summary>The body of <paramref name="uid"/> is refused: its FETCH response is withheld and the command ends in <c>NO</c> with <paramref name="text"/>.</summary>
    public void Refuse(uint uid, string text = DefaultRefusal)
    {
        lock (gate)
        {
            faults[uid] = Fault.Refuse;
            refusalText = text;
        }
    }

    /// <summary>The body of <paramref name="uid"/> is left out of the FETCH answer; the command still ends in OK.</summary>
    public void Drop(uint uid)
    {
        lock (gate)
        {
            faults[uid] = Fault.Drop;
        }
    }

    /// <summary>When the body of <paramref name="uid"/> comes, nothing more is relayed on that connection until <see cref="Heal"/>.</summary>
    public void Stall(uint uid)
    {
        lock (gate)
        {
            faults[uid] = Fault.Stall;
        }
    }

    /// <summary>When the body of <paramref name="uid"/> comes, the connection is closed instead, as a server that drops the line on that message would.</summary>
    public void Disconnect(uint uid)
    {
        lock (gate)
        {
            faults[uid] = Fault.Disconnect;
        }
    }

    /// <summary>Ends every fault: from now on responses pass untouched (a stalled connection is closed).</summary>
    public void Heal()
    {
        lock (gate)
        {
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
        try
        {
            await Task.WhenAny(toClient.CopyToAsync(toServer), RelayResponsesAsync(toServer, toClient)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads whole responses (a line, and for each trailing {n} literal its n bytes and the rest of the line), decides, relays.</summary>
    private async Task RelayResponsesAsync(Stream from, Stream to)
    {
        var reader = new ResponseReader(from);
        string? pendingRefusal = null;
        while (await reader.ReadResponseAsync().ConfigureAwait(false) is { } response)
        {
            var (bytes, text) = response;
            if (text.StartsWith("* ", StringComparison.Ordinal) && text.Contains(" FETCH (", StringComparison.OrdinalIgnoreCase)
                && text.Contains("BODY[", StringComparison.OrdinalIgnoreCase) && UidPattern().Match(text) is { Success: true } m
                && uint.TryParse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var uid))
            {
                Fault? fault;
                Task waitHealed;
                string refusal;
                lock (gate)
                {
                    fault = faults.TryGetValue(uid, out var f) ? f : null;
                    waitHealed = healed.Task;
                    refusal = refusalText;
                }

                if (fault is { } chosen)
                {
                    Interlocked.Increment(ref injected);
                    if (chosen == Fault.Stall)
                    {
                        await waitHealed.ConfigureAwait(false);
                        return;
                    }

                    if (chosen == Fault.Disconnect)
                    {
                        return;
                    }

                    if (chosen == Fault.Refuse)
                    {
                        pendingRefusal = refusal;
                    }

                    continue;
                }
            }

            if (pendingRefusal is not null && TaggedOkPattern().Match(text) is { Success: true } tagged)
            {
                bytes = Encoding.ASCII.GetBytes($"{tagged.Groups[1].Value} NO {pendingRefusal}\r\n");
                pendingRefusal = null;
            }

            await to.WriteAsync(bytes).ConfigureAwait(false);
            await to.FlushAsync().ConfigureAwait(false);
        }
    }

    [GeneratedRegex(@"\bUID (\d+)\b", RegexOptions.IgnoreCase)]
    private static partial Regex UidPattern();

    [GeneratedRegex(@"^([A-Za-z0-9]+) OK\b")]
    private static partial Regex TaggedOkPattern();

    /// <summary>Reads IMAP responses from a byte stream. The text of a response is its lines without the literals.</summary>
    private sealed partial class ResponseReader(Stream stream)
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;

        public async Task<(byte[] Bytes, string Text)?> ReadResponseAsync()
        {
            var bytes = new MemoryStream();
            var text = new StringBuilder();
            while (true)
            {
                var line = await ReadLineAsync().ConfigureAwait(false);
                if (line is null)
                {
                    return null;
                }

                bytes.Write(line);
                var lineText = Encoding.Latin1.GetString(line);
                text.Append(lineText.TrimEnd('\r', '\n'));
                var literal = LiteralPattern().Match(lineText);
                if (!literal.Success)
                {
                    return (bytes.ToArray(), text.ToString());
                }

                var length = long.Parse(literal.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
                if (!await CopyExactAsync(bytes, length).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }

        private async Task<byte[]?> ReadLineAsync()
        {
            var line = new MemoryStream();
            while (true)
            {
                if (start == end && !await FillAsync().ConfigureAwait(false))
                {
                    return null;
                }

                var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                if (newline >= 0)
                {
                    line.Write(buffer, start, newline + 1 - start);
                    start = newline + 1;
                    return line.ToArray();
                }

                line.Write(buffer, start, end - start);
                start = end;
            }
        }

        private async Task<bool> CopyExactAsync(MemoryStream into, long length)
        {
            while (length > 0)
            {
                if (start == end && !await FillAsync().ConfigureAwait(false))
                {
                    return false;
                }

                var n = (int)Math.Min(length, end - start);
                into.Write(buffer, start, n);
                start += n;
                length -= n;
            }

            return true;
        }

        private async Task<bool> FillAsync()
        {
            start = 0;
            end = await stream.ReadAsync(buffer).ConfigureAwait(false);
            return end > 0;
        }

        [GeneratedRegex(@"\{(\d+)\+?\}\r?\n$")]
        private static partial Regex LiteralPattern();
    }
}
