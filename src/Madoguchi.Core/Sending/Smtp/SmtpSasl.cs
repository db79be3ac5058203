using System.Security.Cryptography;
using System.Text;

namespace Madoguchi.Core.Sending.Smtp;

/// <summary>The client's side of SMTP AUTH's mechanisms (RFC 4954): PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195). Pure.</summary>
public static class SmtpSasl
{
    public static string Plain(string username, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{username}\0{password}"));

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>The answer to a CRAM-MD5 challenge (as the server sent it, base64): the user name, a space and the
    /// HMAC-MD5 of the challenge keyed with the password, in lower-case hex, all base64.</summary>
    public static string CramMd5(string username, string password, string challengeBase64)
    {
        var challenge = Convert.FromBase64String(challengeBase64.Trim());
        var digest = HMACMD5.HashData(Encoding.UTF8.GetBytes(password), challenge);
        return Base64($"{username} {Convert.ToHexStringLower(digest)}");
    }
}
