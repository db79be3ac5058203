using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Receiving;

public sealed class MissingMailTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FindMissingMail_WalksTheChecklistOnTheServer(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.CreateFolderAsync(user.Name, "Junk");
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("stored@example.test", "Invoice stored"));
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        await scenario.FetchNowAsync();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("spam@example.test", "Invoice in spam"), "Junk");
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("waiting@example.test", "Invoice waiting"));

        var found = await FindAsync(scenario, new { subject = "Invoice" });
        var nothing = await FindAsync(scenario, new { subject = "NeverSentAnywhere" });

        var places = found.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("messageId").GetString()!, i => i.GetProperty("place").GetString());
        Assert.Equal("in_madoguchi", places["stored@example.test"]);
        Assert.Equal("in_server_spam", places["spam@example.test"]);
        Assert.Equal("waiting_on_server", places["waiting@example.test"]);
        Assert.NotEqual(JsonValueKind.Null, found.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("place").GetString() == "in_madoguchi").GetProperty("rawMessageId").ValueKind);
        Assert.Equal("not_on_server", nothing.GetProperty("verdict").GetString());
        Assert.Equal(0, nothing.GetProperty("total").GetInt32());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FindMissingMail_StoredMessageInTrash_NamesTicketAndTrash(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("trashed@example.test", "Refund request"));
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        await scenario.FetchNowAsync();
        var raw = Assert.Single(await scenario.StoredAsync());
        var location = await scenario.App.WaitForPipelineAsync(raw.Id);
        var moved = await scenario.Owner.PatchAsJsonAsync($"/api/v1/tickets/{location.TicketId}", new { place = "trash" });
        Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());

        var found = await FindAsync(scenario, new { subject = "Refund" });

        var item = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal("in_madoguchi", item.GetProperty("place").GetString());
        var ticket = item.GetProperty("ticket");
        Assert.Equal(location.TicketId!.Value, ticket.GetProperty("ticketId").GetGuid());
        Assert.Equal("trash", ticket.GetProperty("place").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FindMissingMail_Pop3_FindsMessageStillWaiting(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user));
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("pop-waiting@example.test", "Quote request"));

        var found = await FindAsync(scenario, new { sender = "customer@example.test", subject = "Quote" });

        var item = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal("waiting_on_server", item.GetProperty("place").GetString());
        Assert.Contains("about to be fetched", item.GetProperty("en").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> FindAsync(ReceivingScenario scenario, object criteria)
    {
        var response = await scenario.Owner.PostAsJsonAsync($"{scenario.Base}/missing-mail", criteria);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
