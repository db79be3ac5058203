using System.Security.Cryptography;
using System.Text;

namespace Madoguchi.Core.Common;

/// <summary>Random bearer secrets (API tokens, invitation links). Only their SHA-256 is stored.</summary>
public static class Secrets
{
    public static string NewToken(string prefix) => prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
