using System.Buffers;

namespace Madoguchi.Core.Sending.Smtp;

/// <summary>Writes a stored message as the body of SMTP's DATA (RFC 5321 4.5.2): every line ends in CRLF (the blob store
/// keeps MimeKit's LF), a line that starts with a dot gets a second one, and the end is CRLF "." CRLF. Fed in chunks of any
/// size; the state between them is where the last line ended. Pure.</summary>
public sealed class SmtpDataEncoder(IBufferWriter<byte> output)
{
    private bool _atLineStart = true;
    private bool _afterCr;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty)
        {
            if (_atLineStart && chunk[0] == (byte)'.')
                Write("."u8);
            var end = chunk.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                Write(chunk);
                _atLineStart = false;
                _afterCr = false;
                return;
            }
            Write(chunk[..end]);
            if (chunk[end] == (byte)'\n')
            {
                // A bare LF (or the LF of a CRLF whose CR ended the previous chunk) ends the line.
                Write(_afterCr && end == 0 ? "\n"u8 : "\r\n"u8);
                _atLineStart = true;
                _afterCr = false;
                chunk = chunk[(end + 1)..];
                continue;
            }
            // A CR: with its LF a line end; alone, kept as it is (not a line end).
            if (end + 1 < chunk.Length)
            {
                if (chunk[end + 1] == (byte)'\n')
                {
                    Write("\r\n"u8);
                    _atLineStart = true;
                    chunk = chunk[(end + 2)..];
                }
                else
                {
                    Write("\r"u8);
                    _atLineStart = false;
                    chunk = chunk[(end + 1)..];
                }
                _afterCr = false;
                continue;
            }
            Write("\r"u8);
            _afterCr = true;
            _atLineStart = false;
            return;
        }
    }

    /// <summary>Ends the last line when the message did not, then the terminating dot.</summary>
    public void Finish()
    {
        if (_afterCr)
            Write("\n"u8);
        else if (!_atLineStart)
            Write("\r\n"u8);
        Write(".\r\n"u8);
        _atLineStart = true;
        _afterCr = false;
    }

    private void Write(ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
