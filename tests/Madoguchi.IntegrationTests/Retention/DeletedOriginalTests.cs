using System.Net.Http.Json;
using Madoguchi.Core.Data;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Retention;

/// <summary>A deleted original is never fetched again: its server position (IMAP UID, POP3 UIDL) and its tombstone row stay.</summary>
public sealed class DeletedOriginalTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DeletedMail_StillOnTheServer_IsNeverFetchedAgain_ImapAndPop3(DatabaseProvider provider)
    {
        var imapUser = await dovecot.AddUniqueUserAsync();
        var pop3User = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverAsync(imapUser.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@imap.example", "IMAP で届いたメール"));
        await dovecot.Server.DeliverAsync(pop3User.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@pop3.example", "POP3 で届いたメール"));
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, imapUser));
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, pop3User));
        await scenario.FetchNowAsync();
        var stored = await scenario.StoredAsync();
        Assert.Equal(2, stored.Count);
        foreach (var raw in stored)
        {
            var location = await scenario.App.WaitForPipelineAsync(raw.Id);
            (await scenario.Owner.DeleteAsync($"/api/v1/tickets/{location.TicketId}")).EnsureSuccessStatusCode();
        }

        await scenario.FetchNowAsync();
        await scenario.FetchNowAsync();

        var after = await scenario.StoredAsync();
        Assert.Equal(stored.Select(r => r.Id).Order(), after.Select(r => r.Id).Order());
        Assert.All(after, r => Assert.NotNull(r.DeletedAt));
        var tickets = await scenario.Owner.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/tickets?inbox={scenario.InboxId}");
        Assert.Equal(0, tickets.GetProperty("total").GetInt32());
    }
}
