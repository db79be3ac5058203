using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending.Compose;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending.Compose;

/// <summary>署名: shared per From address (the inbox's マネージャー, 管理者 and the owners keep it) and personal per user (every
/// inbox); compose starts with the personal one when both exist.</summary>
public sealed class SignatureTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SharedSignature_ManagersAndAdministratorsOnly_OthersRefused(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.OnAsync(await apps.GetAsync(provider));
        var addressId = await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = 25, security = "none", authentication = "none" });
        var url = $"/api/v1/inboxes/{s.InboxId}/send-addresses/{addressId}/signature";
        var (_, operatorClient) = await s.MemberAsync("operator");
        var (_, manager) = await s.MemberAsync("manager");
        var (_, administrator) = await s.MemberAsync("administrator");

        await (await operatorClient.PutAsJsonAsync(url, new { text = "オペレータの署名" })).AssertProblemAsync(HttpStatusCode.Forbidden, "inbox_role_too_low");
        var set = await (await manager.PutAsJsonAsync(url, new { text = "株式会社例\r\nサポート窓口\r\n" })).ReadAsync<JsonElement>();
        Assert.Equal("株式会社例\nサポート窓口", set.GetProperty("text").GetString());
        Assert.Equal("shared", set.GetProperty("default").GetString());
        await (await administrator.PutAsJsonAsync(url, new { text = "株式会社例 サポート" })).AssertStatusAsync(HttpStatusCode.OK);
        await (await s.Owner.PutAsJsonAsync(url, new { text = new string('x', 4001) })).AssertProblemAsync(HttpStatusCode.BadRequest, "signature_too_long");
        await (await manager.PutAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/send-addresses/{Guid.NewGuid()}/signature", new { text = "x" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        var seen = await (await operatorClient.GetAsync($"/api/v1/inboxes/{s.InboxId}/signatures")).ReadAsync<JsonElement>();
        var item = Assert.Single(seen.GetProperty("items").EnumerateArray());
        Assert.Equal("株式会社例 サポート", item.GetProperty("text").GetString());
        Assert.Equal("shared", item.GetProperty("default").GetString());

        await (await s.Owner.PutAsJsonAsync(url, new { text = "" })).AssertStatusAsync(HttpStatusCode.OK);
        seen = await (await operatorClient.GetAsync($"/api/v1/inboxes/{s.InboxId}/signatures")).ReadAsync<JsonElement>();
        item = Assert.Single(seen.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("text").ValueKind);
        Assert.Equal("none", item.GetProperty("default").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PersonalSignature_IsDefaultOverShared_OnlyForItsOwner_SharedSwitchesWithFromAddress(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.OnAsync(await apps.GetAsync(provider));
        var first = await s.AddSendAddressAsync(new { address = "support@example.test", isDefault = true, host = "127.0.0.1", port = 25, security = "none", authentication = "none" });
        var second = await s.AddSendAddressAsync(new { address = "sales@example.test", isDefault = false, host = "127.0.0.1", port = 25, security = "none", authentication = "none" });
        await (await s.Owner.PutAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/send-addresses/{first}/signature", new { text = "サポート窓口" })).AssertStatusAsync(HttpStatusCode.OK);
        await (await s.Owner.PutAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/send-addresses/{second}/signature", new { text = "営業部" })).AssertStatusAsync(HttpStatusCode.OK);
        var (_, alice) = await s.MemberAsync("operator");
        var (_, bob) = await s.MemberAsync("assistant");

        Assert.Equal("", (await (await alice.GetAsync("/api/v1/me/signature")).ReadAsync<JsonElement>()).GetProperty("text").GetString());
        var mine = await (await alice.PutAsJsonAsync("/api/v1/me/signature", new { text = "山田 花子" })).ReadAsync<JsonElement>();
        Assert.Equal("山田 花子", mine.GetProperty("text").GetString());
        await (await alice.PutAsJsonAsync("/api/v1/me/signature", new { text = new string('x', 4001) })).AssertProblemAsync(HttpStatusCode.BadRequest, "signature_too_long");

        var forAlice = await (await alice.GetAsync($"/api/v1/inboxes/{s.InboxId}/signatures")).ReadAsync<JsonElement>();
        Assert.Equal("山田 花子", forAlice.GetProperty("personal").GetString());
        var items = forAlice.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([first, second], items.Select(i => i.GetProperty("sendAddressId").GetGuid()));
        Assert.Equal(["サポート窓口", "営業部"], items.Select(i => i.GetProperty("text").GetString()));
        Assert.All(items, i => Assert.Equal("personal", i.GetProperty("default").GetString()));

        var forBob = await (await bob.GetAsync($"/api/v1/inboxes/{s.InboxId}/signatures")).ReadAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, forBob.GetProperty("personal").ValueKind);
        Assert.All(forBob.GetProperty("items").EnumerateArray(), i => Assert.Equal("shared", i.GetProperty("default").GetString()));
        Assert.Equal("", (await (await bob.GetAsync("/api/v1/me/signature")).ReadAsync<JsonElement>()).GetProperty("text").GetString());

        await (await alice.PutAsJsonAsync("/api/v1/me/signature", new { text = " " })).AssertStatusAsync(HttpStatusCode.OK);
        forAlice = await (await alice.GetAsync($"/api/v1/inboxes/{s.InboxId}/signatures")).ReadAsync<JsonElement>();
        Assert.All(forAlice.GetProperty("items").EnumerateArray(), i => Assert.Equal("shared", i.GetProperty("default").GetString()));
    }

    /// <summary>Parallel saves of one signature (two tabs, two managers, a double click) all answer 200 and leave one row with
    /// one of the texts sent (last write wins); before, the loser of the insert race got a 500 from the unique index.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Signatures_SavedInParallel_LastWriteWins_NeverAServerError(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.OnAsync(await apps.GetAsync(provider));
        var addressId = await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = 25, security = "none", authentication = "none" });
        var sharedUrl = $"/api/v1/inboxes/{s.InboxId}/send-addresses/{addressId}/signature";
        var (_, manager) = await s.MemberAsync("manager");
        const int Parallel = 6;
        for (var round = 0; round < 4; round++)
        {
            // Each round starts with no row, so every save races to insert it.
            await (await s.Owner.PutAsJsonAsync(sharedUrl, new { text = "" })).AssertStatusAsync(HttpStatusCode.OK);
            await (await manager.PutAsJsonAsync("/api/v1/me/signature", new { text = "" })).AssertStatusAsync(HttpStatusCode.OK);
            var sharedTexts = Enumerable.Range(0, Parallel).Select(i => $"共有 {round}-{i}").ToList();
            var personalTexts = Enumerable.Range(0, Parallel).Select(i => $"個人 {round}-{i}").ToList();
            var answers = await Task.WhenAll(
                sharedTexts.Select((t, i) => (i % 2 == 0 ? s.Owner : manager).PutAsJsonAsync(sharedUrl, new { text = t }))
                    .Concat(personalTexts.Select(t => manager.PutAsJsonAsync("/api/v1/me/signature", new { text = t }))));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

            var seen = await (await manager.GetAsync($"/api/v1/inboxes/{s.InboxId}/signatures")).ReadAsync<JsonElement>();
            Assert.Contains(Assert.Single(seen.GetProperty("items").EnumerateArray()).GetProperty("text").GetString(), sharedTexts);
            Assert.Contains(seen.GetProperty("personal").GetString(), personalTexts);
            Assert.Equal(1, await s.App.WithDbAsync(db => db.Set<Signature>().CountAsync(x => x.SendAddressId == addressId)));
        }
    }
}
