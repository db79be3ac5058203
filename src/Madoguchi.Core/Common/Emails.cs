using System.Net.Mail;

namespace Madoguchi.Core.Common;

public static class Emails
{
    /// <summary>The form every email lookup compares on, so Taro@Example.com and taro@example.com are one login.</summary>
    public static string Normalize(string email) => email.Trim().ToUpperInvariant();

    public static bool IsValid(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254)
            return false;
        return MailAddress.TryCreate(email.Trim(), out var parsed) && parsed.Address == email.Trim() && parsed.Host.Contains('.', StringComparison.Ordinal);
    }
}
