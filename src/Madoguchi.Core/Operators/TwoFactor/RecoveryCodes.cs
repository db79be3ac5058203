using System.Security.Cryptography;
using Madoguchi.Core.Common;

namespace Madoguchi.Core.Operators.TwoFactor;

/// <summary>Ten single-use codes (<c>xxxxx-xxxxx</c>, 50 random bits each) for an operator who lost their authenticator.
/// Shown once when made; only their SHA-256 is kept.</summary>
public static class RecoveryCodes
{
    public const int Count = 10;
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static IReadOnlyList<string> New() => Enumerable.Range(0, Count).Select(_ => NewCode()).ToList();

    public static string Hash(string code) => Secrets.Hash(Normalize(code));

    /// <summary>Hyphens, spaces and case do not matter when a code is typed.</summary>
    public static string Normalize(string code) => new((code ?? "").Where(c => c != '-' && c != ' ').Select(char.ToLowerInvariant).ToArray());

    /// <summary>True for what looks like an authenticator code (six digits) rather than a recovery code.</summary>
    public static bool IsAuthenticatorCode(string code)
    {
        var normalized = Totp.Normalize(code);
        return normalized.Length == Totp.Digits && normalized.All(char.IsAsciiDigit);
    }

    private static string NewCode()
    {
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}";
    }
}
