using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>U+0000 in a mail (quoted-printable =00, an encoded word, a raw 0x00 byte) must not keep it from becoming a
/// ticket: PostgreSQL's text columns refuse NUL, so it is dropped from every stored string on both providers, while the
/// original keeps its bytes.</summary>
public sealed class NulCharacterTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Mail_WithNulInSubjectBodyNamesAndAttachment_BecomesATicketWithoutTheNul(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();
        var messageId = $"nul-{Guid.NewGuid():N}@customer.example";
        var eml = $"""
            From: =?UTF-8?Q?=E5=B1=B1=00=E7=94=B0?= <yamada@customer.example>
            To: support@example.jp
            Subject: =?UTF-8?Q?=E6=B3=A8=E6=96=87=00=E3=81=AB=E3=81=A4=E3=81=84=E3=81=A6?=
            Date: Tue, 01 Apr 2025 10:00:00 +0900
            Message-ID: <{messageId}>
            Auto-Submitted: no
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: quoted-printable

            =E6=9C=AC=00=E6=96=87 with =00 a NUL
            --b1
            Content-Type: text/html; charset=UTF-8
            Content-Transfer-Encoding: quoted-printable

            <p>HTML=00 body</p>
            --b1
            Content-Type: application/octet-stream; name="=?UTF-8?Q?a=00b.bin?="
            Content-Disposition: attachment; filename="=?UTF-8?Q?a=00b.bin?="
            Content-Transfer-Encoding: base64

            AAECAw==
            --b1--
            """;
        var bytes = Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n"));

        var location = await app.ReceiveAsync(inbox.Id, bytes);

        var ticket = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{location.TicketId}");
        var message = ticket.GetProperty("messages")[0];
        Assert.Equal("注文について", ticket.GetProperty("subject").GetString());
        Assert.Equal("注文について", message.GetProperty("subject").GetString());
        Assert.Equal("山田", message.GetProperty("from").GetProperty("name").GetString());
        Assert.StartsWith("本文 with  a NUL", message.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("HTML body", message.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Equal("ab.bin", message.GetProperty("attachments")[0].GetProperty("fileName").GetString());
        Assert.DoesNotContain('\0', JsonSerializer.Serialize(ticket));
        // The original keeps its bytes.
        var raw = await client.GetByteArrayAsync($"/api/v1/messages/{location.TicketMessageId}/raw");
        Assert.Equal(bytes, raw);
        var stored = await app.WithDbAsync(db => db.TicketMessages.AsNoTracking().SingleAsync(m => m.Id == location.TicketMessageId));
        Assert.Equal(messageId, stored.MessageIdHeader);
    }
}
