using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Madoguchi.Core.Operators.TwoFactor;

/// <summary>RFC 6238 time-based one-time passwords as authenticator apps make them: HMAC-SHA-1, 6 digits, 30-second
/// steps counted from the Unix epoch (RFC 4226's dynamic truncation). A code is accepted one step early or late, for
/// clocks that differ a little; a step once used is never accepted again (<see cref="Match"/>).</summary>
public static class Totp
{
    public const int Digits = 6;
    public const int StepSeconds = 30;
    public const int SecretBytes = 20;

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for one time step (RFC 4226 section 5.3 over the step as a big-endian counter).</summary>
    public static string Code(byte[] key, long step, int digits = Digits)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        var modulo = (int)Math.Pow(10, digits);
        return (binary % modulo).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>The step whose code is <paramref name="code"/>, among the current one and one on either side, and later
    /// than <paramref name="lastUsedStep"/>; null when none matches (wrong, too old, or already used).</summary>
    public static long? Match(byte[] key, string code, DateTimeOffset now, long? lastUsedStep)
    {
        var given = Normalize(code);
        if (given.Length != Digits || !given.All(char.IsAsciiDigit))
            return null;
        var current = StepAt(now);
        long? found = null;
        // Every candidate is computed and compared in constant time, so the answer's timing does not say which matched.
        for (var step = current - 1; step <= current + 1; step++)
        {
            var equal = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(key, step)), Encoding.ASCII.GetBytes(given));
            if (equal && (lastUsedStep is null || step > lastUsedStep) && found is null)
                found = step;
        }
        return found;
    }

    /// <summary>Spaces and hyphens people type between the digits are ignored.</summary>
    public static string Normalize(string? code) => new((code ?? "").Where(c => c != ' ' && c != '-').ToArray());

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The enrolment URI authenticator apps read from the QR code (Key Uri Format).</summary>
    public static string EnrolmentUri(string issuer, string accountName, byte[] key) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(accountName)}?secret={Base32.Encode(key)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}

/// <summary>RFC 4648 base32 without padding: how TOTP secrets are typed into authenticator apps.</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var output = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
            output.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return output.ToString();
    }

    public static byte[] Decode(string text)
    {
        var clean = text.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var output = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
                throw new FormatException("Not a base32 character: " + c);
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)((buffer >> (bits - 8)) & 0xff));
                bits -= 8;
            }
        }
        return output.ToArray();
    }
}
