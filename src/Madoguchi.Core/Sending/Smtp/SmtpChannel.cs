using System.Buffers;
using System.Text;

namespace Madoguchi.Core.Sending.Smtp;

/// <summary>The byte stream of one SMTP connection: replies read from a buffer, commands and message data gathered in a
/// buffer and written in one go (so that pipelined commands leave in one packet). Every wait is bounded by the timeout;
/// when it runs out the wait ends with <see cref="TimeoutException"/>, when the caller cancels with its cancellation.</summary>
internal sealed class SmtpChannel(Stream stream, TimeSpan timeout) : IAsyncDisposable
{
    /// <summary>A reply longer than this is not one (a hostile or broken server): the connection is dropped.</summary>
    private const int MaxReplyBytes = 64 * 1024;

    private readonly byte[] _input = new byte[8192];
    private int _start;
    private int _end;
    private readonly List<string> _lines = [];

    public Stream Stream { get; private set; } = stream;

    /// <summary>What is gathered for the next <see cref="FlushAsync"/>.</summary>
    public ArrayBufferWriter<byte> Output { get; } = new(16 * 1024);

    /// <summary>After STARTTLS: the same connection, encrypted. Nothing may be buffered from before (RFC 3207: the server
    /// must not pipeline past STARTTLS; bytes that came anyway are an attack on the handshake).</summary>
    public void Replace(Stream encrypted)
    {
        if (_start != _end)
            throw new SmtpProtocolViolationException("The server sent data after its reply to STARTTLS.");
        Stream = encrypted;
    }

    public void Command(string line)
    {
        var span = Output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
        var n = Encoding.UTF8.GetBytes(line, span);
        span[n] = (byte)'\r';
        span[n + 1] = (byte)'\n';
        Output.Advance(n + 2);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        if (Output.WrittenCount == 0)
            return;
        await BoundedAsync(t => Stream.WriteAsync(Output.WrittenMemory, t), ct);
        Output.ResetWrittenCount();
    }

    public async Task<SmtpReply> ReadReplyAsync(CancellationToken ct)
    {
        _lines.Clear();
        var total = 0;
        var code = -1;
        while (true)
        {
            var line = await ReadLineAsync(ct);
            total += line.Length;
            if (total > MaxReplyBytes)
                throw new SmtpProtocolViolationException("The server's reply is too long.");
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || line.Length > 3 && line[3] is not (' ' or '-'))
                throw new SmtpProtocolViolationException("The server answered with something that is not an SMTP reply.");
            var lineCode = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
            if (code >= 0 && lineCode != code)
                throw new SmtpProtocolViolationException("The server's multi-line reply changed its code.");
            code = lineCode;
            _lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ')
                return new SmtpReply(code, string.Join('\n', _lines));
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var newline = _input.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var length = newline > 0 && _input[_start + newline - 1] == (byte)'\r' ? newline - 1 : newline;
                var line = Encoding.UTF8.GetString(_input, _start, length);
                _start += newline + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_input, _start, _input, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _input.Length)
                throw new SmtpProtocolViolationException("The server sent a line that is too long.");
            var read = await BoundedAsync(t => Stream.ReadAsync(_input.AsMemory(_end), t), ct);
            if (read == 0)
                throw new IOException("The server closed the connection.");
            _end += read;
        }
    }

    /// <summary>The timeout's source, kept for the next wait while the caller's token stays the same (a connection's
    /// messages share one): a new linked source and timer for every read and write was a cost of every message.</summary>
    private CancellationTokenSource? _bounded;
    private CancellationToken _boundedFor;

    private async Task<T> BoundedAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken ct)
    {
        if (_bounded is null || _boundedFor != ct || !_bounded.TryReset())
        {
            _bounded?.Dispose();
            _bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _boundedFor = ct;
        }
        _bounded.CancelAfter(timeout);
        try
        {
            return await operation(_bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The server did not answer within {timeout.TotalSeconds:0} seconds.");
        }
    }

    private Task BoundedAsync(Func<CancellationToken, ValueTask> operation, CancellationToken ct) =>
        BoundedAsync(async t => { await operation(t); return true; }, ct);

    public async ValueTask DisposeAsync()
    {
        _bounded?.Dispose();
        await Stream.DisposeAsync();
    }
}
