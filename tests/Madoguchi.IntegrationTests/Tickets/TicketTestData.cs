using System.Text;

namespace Madoguchi.IntegrationTests.Tickets;

internal static class TicketTestData
{
    public static string Id() => $"{Guid.NewGuid():N}@customer.example";

    /// <summary>HTML mail with everything a hostile sender tries, a remote tracking image, and an inline cid: image.</summary>
    public static byte[] HostileHtml(string messageId)
    {
        const string html = """
            <html><body>
            <p>Hello <b>team</b></p>
            <script>alert('xss')</script>
            <img src="x" onerror="alert('onerror')">
            <a href="javascript:alert('link')">click</a>
            <a href="https://shop.example/order">order</a>
            <img src="https://tracker.example/pixel.png" alt="tracker">
            <img src="cid:logo@customer.example" alt="logo">
            <iframe src="https://evil.example/"></iframe>
            </body></html>
            """;
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4]);
        var eml = $"""
            From: "攻撃者" <attacker@customer.example>
            To: support@example.jp
            Subject: HTML mail
            Date: Tue, 01 Apr 2025 10:00:00 +0900
            Message-ID: <{messageId}>
            MIME-Version: 1.0
            Content-Type: multipart/related; boundary="rel"

            --rel
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=UTF-8

            Hello team
            --alt
            Content-Type: text/html; charset=UTF-8

            {html}
            --alt--
            --rel
            Content-Type: image/png; name="logo.png"
            Content-Transfer-Encoding: base64
            Content-ID: <logo@customer.example>
            Content-Disposition: inline; filename="logo.png"

            {png}
            --rel
            Content-Type: application/pdf; name="=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("見積書.pdf"))}?="
            Content-Transfer-Encoding: base64
            Content-Disposition: attachment; filename="=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("見積書.pdf"))}?="

            {Convert.ToBase64String(Encoding.ASCII.GetBytes("%PDF-1.4 quote"))}
            --rel--
            """;
        return Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n"));
    }

    /// <summary>An HTML mail whose only other part is an image the HTML shows (inline, by Content-ID): no paper clip.</summary>
    public static byte[] InlineImageOnly(string messageId)
    {
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9, 9, 9]);
        var eml = $"""
            From: customer@example.com
            To: support@example.jp
            Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("ロゴ入りのメール"))}?=
            Date: Tue, 01 Apr 2025 10:00:00 +0900
            Message-ID: <{messageId}>
            MIME-Version: 1.0
            Content-Type: multipart/related; boundary="rel"

            --rel
            Content-Type: text/html; charset=UTF-8

            <p>Hello <img src="cid:logo@customer.example"></p>
            --rel
            Content-Type: image/png; name="logo.png"
            Content-Transfer-Encoding: base64
            Content-ID: <logo@customer.example>
            Content-Disposition: inline; filename="logo.png"

            {png}
            --rel--
            """;
        return Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n"));
    }

    /// <summary>Bytes that are not a readable message: binary garbage without headers.</summary>
    public static byte[] Broken()
    {
        var bytes = new byte[600];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0x00;
        return bytes;
    }
}
