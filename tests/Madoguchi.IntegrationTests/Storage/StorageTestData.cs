using System.Text;

namespace Madoguchi.IntegrationTests.Storage;

/// <summary>Test mail and settings for storage and retention tests.</summary>
internal static class StorageTestData
{
    public const long Mb = 1024 * 1024;

    /// <summary>An account's storage limit for a test. Today an account without a plan gets the installation's
    /// <c>Madoguchi:Plans:UnplannedStorageMb</c>; when plans are stored, switch this one place.</summary>
    public static Dictionary<string, string?> StorageLimitMb(long mb, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Madoguchi:Plans:UnplannedStorageMb"] = mb.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        return settings;
    }

    public static string Id() => $"{Guid.NewGuid():N}@customer.example";

    /// <summary>A message with one attachment whose bytes are <paramref name="attachment"/> (the same bytes in two messages
    /// are one blob).</summary>
    public static byte[] WithAttachment(string messageId, byte[] attachment, string fileName = "invoice.pdf")
    {
        var eml = $"""
            From: customer@example.com
            To: support@example.jp
            Subject: attachment
            Date: Tue, 01 Apr 2025 10:00:00 +0900
            Message-ID: <{messageId}>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain; charset=UTF-8

            see attached
            --b
            Content-Type: application/pdf; name="{fileName}"
            Content-Disposition: attachment; filename="{fileName}"
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks)}
            --b--

            """;
        return Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n"));
    }
}
